import contextlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.orm import outbox
from reading_club.domain.messages import RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryOperationResult
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.reading_club.books import (
    ARCHITECTURE_PATTERNS_WITH_PYTHON,
    DOMAIN_DRIVEN_DESIGN,
)
from tests.reading_club.outbox import drain
from tests.streams import FlakyEventstreamTransport, StreamDown
from transactional_outbox.relay import OutboxRelay

# The relay of the outbox needs PostgreSQL.
pytestmark = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)

Deliver = Callable[[], Awaitable[None]]


@pytest.fixture
def transport() -> FlakyEventstreamTransport:
    """A stream that refuses the first message it gets."""
    return FlakyEventstreamTransport(failures=1)


@pytest.fixture
def deliver(engine: AsyncEngine, transport: FlakyEventstreamTransport) -> Deliver:
    # No wait between two attempts: the test tries again at once.
    relay = OutboxRelay(engine, outbox, transport, backoff=timedelta(0))

    async def deliver() -> None:
        """Send what still waits: the relay sends the outbox until it is done."""
        await drain(relay)

    return deliver


async def register(
    bus: AsyncMessageBus[AbstractUnitOfWork], uow: AbstractUnitOfWork, *books: Book
) -> list[BookRepositoryOperationResult]:
    """Register books in one transaction; commit if the club takes them all."""
    async with uow as transaction:
        results = [
            await bus.handle(
                RegisterBookV2(
                    id=book.id, title=book.title, authors=book.authors, isbn=book.isbn
                ),
                transaction,
            )
            for book in books
        ]
        if all(result.is_ok() for result in results):
            await transaction.commit()
        else:
            await transaction.rollback()
    return results


def titles(transport: FlakyEventstreamTransport) -> list[str]:
    """The titles of the books the stream announced, in the order it got them."""
    return [json.loads(envelope["payload"])["title"] for envelope in transport.messages]


async def test_an_event_outlives_a_stream_that_fails_once(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    transport: FlakyEventstreamTransport,
    deliver: Deliver,
) -> None:
    with contextlib.suppress(StreamDown):
        await register(bus, uow, DOMAIN_DRIVEN_DESIGN)
    await deliver()

    async with uow as transaction:
        assert await transaction.books.by_id(DOMAIN_DRIVEN_DESIGN.id) == Ok(
            DOMAIN_DRIVEN_DESIGN
        )
        await transaction.rollback()
    assert titles(transport) == ["Domain Driven Design"]


async def test_the_caller_gets_ok_when_the_stream_fails(
    bus: AsyncMessageBus[AbstractUnitOfWork], uow: AbstractUnitOfWork
) -> None:
    assert await register(bus, uow, DOMAIN_DRIVEN_DESIGN) == [Ok(None)]


async def test_a_failed_send_loses_no_other_event(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    transport: FlakyEventstreamTransport,
    deliver: Deliver,
) -> None:
    with contextlib.suppress(StreamDown):
        await register(
            bus, uow, DOMAIN_DRIVEN_DESIGN, ARCHITECTURE_PATTERNS_WITH_PYTHON
        )
    await deliver()

    assert sorted(titles(transport)) == [
        "Architecture Patterns with Python",
        "Domain Driven Design",
    ]
