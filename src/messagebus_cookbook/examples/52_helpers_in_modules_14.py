from uuid import UUID

import pytest
from lastuuid.dummies import uuidgen
from result import Err, Ok

from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.domain.model import Book
from reading_club.service.repositories import (
    BookRepositoryError,
    BookRepositoryOperationResult,
    BookRepositoryResult,
)
from tests.reading_club.books import (
    ARCHITECTURE_PATTERNS_WITH_PYTHON,
    DOMAIN_DRIVEN_DESIGN,
)


@pytest.mark.parametrize(
    ("books", "new_book", "expected_result", "expected_seen"),
    [
        pytest.param(
            [],
            DOMAIN_DRIVEN_DESIGN,
            Ok(None),
            [DOMAIN_DRIVEN_DESIGN],
            id="into an empty club",
        ),
        pytest.param(
            [ARCHITECTURE_PATTERNS_WITH_PYTHON],
            DOMAIN_DRIVEN_DESIGN,
            Ok(None),
            [DOMAIN_DRIVEN_DESIGN],
            id="next to another book",
        ),
        pytest.param(
            [DOMAIN_DRIVEN_DESIGN],
            DOMAIN_DRIVEN_DESIGN,
            Err(BookRepositoryError.integrity_error),
            [],
            id="the same id",
        ),
        pytest.param(
            [DOMAIN_DRIVEN_DESIGN],
            Book(
                id=uuidgen(3),
                title="Domain-Driven Design",
                authors=["Eric Evans"],
                isbn="0-321-12521-5",
            ),
            Err(BookRepositoryError.integrity_error),
            [],
            id="the same isbn",
        ),
    ],
    indirect=["books"],
)
async def test_add(
    books: list[Book],
    uow: SQLUnitOfWork,
    new_book: Book,
    expected_result: BookRepositoryOperationResult,
    expected_seen: list[Book],
) -> None:
    async with uow as transaction:
        assert await transaction.books.add(new_book) == expected_result
        assert transaction.books.seen == expected_seen
        await transaction.rollback()


@pytest.mark.parametrize(
    ("books", "book_id", "expected_result"),
    [
        pytest.param(
            [DOMAIN_DRIVEN_DESIGN, ARCHITECTURE_PATTERNS_WITH_PYTHON],
            uuidgen(2),
            Ok(ARCHITECTURE_PATTERNS_WITH_PYTHON),
            id="a known book among several",
        ),
        pytest.param(
            [DOMAIN_DRIVEN_DESIGN, ARCHITECTURE_PATTERNS_WITH_PYTHON],
            uuidgen(3),
            Err(BookRepositoryError.not_found),
            id="an unknown id",
        ),
        pytest.param(
            [],
            uuidgen(1),
            Err(BookRepositoryError.not_found),
            id="an empty club",
        ),
    ],
    indirect=["books"],
)
async def test_by_id(
    books: list[Book],
    uow: SQLUnitOfWork,
    book_id: UUID,
    expected_result: BookRepositoryResult,
) -> None:
    async with uow as transaction:
        assert await transaction.books.by_id(book_id) == expected_result
        await transaction.rollback()


@pytest.mark.parametrize(
    "books", [[DOMAIN_DRIVEN_DESIGN]], ids=["a book the club has"], indirect=True
)
async def test_a_refused_book_leaves_the_transaction_usable(
    books: list[Book], uow: SQLUnitOfWork
) -> None:
    async with uow as transaction:
        refused = await transaction.books.add(DOMAIN_DRIVEN_DESIGN)
        added = await transaction.books.add(ARCHITECTURE_PATTERNS_WITH_PYTHON)
        await transaction.commit()
    assert refused == Err(BookRepositoryError.integrity_error)
    assert added == Ok(None)

    async with uow as transaction:
        for book in [DOMAIN_DRIVEN_DESIGN, ARCHITECTURE_PATTERNS_WITH_PYTHON]:
            assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()
