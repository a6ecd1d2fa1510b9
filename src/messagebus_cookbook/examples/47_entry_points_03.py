"""The HTTP API of the club.

Run it with ``python -m reading_club.entrypoints.web``.
"""

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from messagebus import AsyncUnitOfWorkTransaction
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from http_edges.auth import AUTH_RESPONSES, require
from http_edges.errors import READ_RESPONSES, WRITE_RESPONSES, Refusal
from http_edges.idempotency import (
    Answer,
    IdempotencyKey,
    answer_once,
    created_responses,
)
from http_edges.text import OneLine
from reading_club.bootstrap import ReadingClub, bootstrap
from reading_club.domain.isbn import normalize_isbn
from reading_club.domain.messages import RegisterBookV2
from reading_club.entrypoints.cli import COMMAND_LINE
from reading_club.service.repositories import (
    BookRepositoryOperationResult,
    BookRepositoryResult,
)
from reading_club.service.unit_of_work import AbstractUnitOfWork
from reading_club.settings import Settings
from service_chassis.web import app_for, create_api, run_command, service_of
from structured_logs.context import annotate

# Bytes of a request's body: the largest book takes 52 KB, even with each
# character escaped as \uXXXX.
MAX_BODY_SIZE = 64 * 1024

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), OneLine
]
AuthorName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), OneLine
]
# ASCII digits only, as the contract says; the check digit, which no
# pattern can say, is checked next.
IsbnAsSent = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9Xx -]{10,17}$"),
    AfterValidator(normalize_isbn),
]


class NewBook(BaseModel):
    """A book to register."""

    model_config = ConfigDict(extra="forbid")

    title: Title = Field(examples=["Domain Driven Design"])
    authors: list[AuthorName] = Field(
        min_length=1, max_length=20, examples=[["Eric Evans"]]
    )
    isbn: IsbnAsSent = Field(
        description="an ISBN-10 or ISBN-13, with or without hyphens or spaces",
        examples=["0-321-12521-5"],
    )


class RegisteredBook(BaseModel):
    """The id of the book the club registered."""

    id: UUID


class BookDetails(BaseModel):
    """A book of the club."""

    id: UUID
    title: str
    authors: list[str]
    isbn: str = Field(description="the ISBN-13, in digits")


Club = Annotated[ReadingClub, Depends(service_of(ReadingClub))]
router = APIRouter()


@router.post(
    "/books",
    status_code=201,
    response_model=RegisteredBook,
    dependencies=[require("books:write")],
    responses={
        **created_responses("book"),
        409: {"model": Refusal, "description": "ISBN already registered"},
        **WRITE_RESPONSES,
        **AUTH_RESPONSES,
    },
)
async def register_book(
    new_book: NewBook,
    club: Club,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Register a book; its ``book_registered`` event waits in the outbox."""
    command = RegisterBookV2(
        title=new_book.title, authors=new_book.authors, isbn=new_book.isbn
    )

    async def register(
        transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
    ) -> Answer:
        result: BookRepositoryOperationResult = await club.bus.handle(
            command, transaction
        )
        if result.is_err():
            raise HTTPException(409, f"the ISBN {new_book.isbn} is already registered")
        # Named once registered: a refused request changed no book.
        annotate(aggregate_id=str(command.id))
        return Answer(
            201,
            RegisteredBook(id=command.id).model_dump(mode="json"),
            location=str(request.url_for("read_book", id=command.id)),
        )

    return await answer_once(request, idempotency_key, club.unit_of_work, register)


@router.get(
    "/books/{id}",
    responses={
        404: {"model": Refusal, "description": "No book with this id"},
        **READ_RESPONSES,
    },
)
async def read_book(id: UUID, club: Club) -> BookDetails:
    """The book of this id."""
    async with club.unit_of_work() as transaction:
        result: BookRepositoryResult = await transaction.books.by_id(id)
        await transaction.rollback()
    if result.is_err():
        raise HTTPException(404, f"no book has the id {id}")
    book = result.unwrap()
    return BookDetails(
        id=book.id, title=book.title, authors=book.authors, isbn=book.isbn
    )


def create_app(club: ReadingClub) -> FastAPI:
    """The HTTP API of ``club``; the club is closed when the server stops."""
    return create_api(club, router, title="Reading club", max_body_size=MAX_BODY_SIZE)


APP_FACTORY = "reading_club.entrypoints.web:app_from_environment"


def app_from_environment() -> FastAPI:
    """The API of the club, as the environment sets it: for uvicorn."""
    return app_for(Settings(), bootstrap, create_app, name="club")


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(
        argv,
        COMMAND_LINE,
        bootstrap,
        prog="python -m reading_club.entrypoints.web",
        description="Serve the HTTP API of the club, until SIGTERM or SIGINT.",
        app_factory=APP_FACTORY,
        port=8000,
    )


if __name__ == "__main__":
    raise SystemExit(main())
