import pytest
from lastuuid.dummies import uuidgen
from result import Err, Ok

from reading_club.domain.messages import BookRegistered, RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.handlers import register_book
from reading_club.service.repositories import (
    BookRepositoryError,
    BookRepositoryOperationResult,
)
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.reading_club.books import (
    ARCHITECTURE_PATTERNS_WITH_PYTHON,
    DOMAIN_DRIVEN_DESIGN,
)

DOMAIN_DRIVEN_DESIGN_REGISTERED = BookRegistered(
    id=uuidgen(1),
    isbn="0-321-12521-5",
    title="Domain Driven Design",
    authors=["Eric Evans"],
)


@pytest.mark.parametrize(
    ("books", "expected_result", "expected_events"),
    [
        pytest.param(
            [],
            Ok(None),
            [DOMAIN_DRIVEN_DESIGN_REGISTERED],
            id="into an empty club",
        ),
        pytest.param(
            [ARCHITECTURE_PATTERNS_WITH_PYTHON],
            Ok(None),
            [DOMAIN_DRIVEN_DESIGN_REGISTERED],
            id="next to another book",
        ),
        pytest.param(
            [DOMAIN_DRIVEN_DESIGN],
            Err(BookRepositoryError.integrity_error),
            [],
            id="a book the club has",
        ),
    ],
    indirect=["books"],
)
async def test_register_book(
    books: list[Book],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    expected_result: BookRepositoryOperationResult,
    expected_events: list[BookRegistered],
) -> None:
    async with uow as transaction:
        result = await register_book(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == expected_result
    assert [
        message for registered in uow.books.seen for message in registered.messages
    ] == expected_events

    async with uow as transaction:
        for book in [*books, DOMAIN_DRIVEN_DESIGN]:
            assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()
