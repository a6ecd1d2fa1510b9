import asyncio
import json
import logging
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from messagebus import Event, Metadata
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.orm import outbox
from reading_club.domain.model import Book
from tests.reading_club.books import DOMAIN_DRIVEN_DESIGN, ONE_BOOK, TWO_BOOKS
from tests.reading_club.outbox import drain, outbox_rows
from tests.streams import FlakyEventstreamTransport, InMemoryEventstreamTransport
from transactional_outbox.relay import OutboxRelay
from transactional_outbox.table import add_to_outbox

# Two relays at once need PostgreSQL: FOR UPDATE SKIP LOCKED.
POSTGRESQL = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)


class BookReviewed(Event):
    """A reader reviewed a book: a second event of a book, for these tests."""

    id: UUID
    title: str
    reviewer: str
    metadata: Metadata = Metadata(
        name="book_reviewed", schema_version=1, published=True
    )


async def review(engine: AsyncEngine, book: Book, reviewer: str) -> None:
    """Commit a review of the book: its event waits in the outbox, keyed by the book."""
    event = BookReviewed(id=book.id, title=book.title, reviewer=reviewer)
    async with engine.begin() as connection:
        await add_to_outbox(connection, outbox, event, key=str(book.id))


def told(transport: InMemoryEventstreamTransport) -> list[str]:
    """What the stream got, one line per envelope, in the order it got them."""
    lines = []
    for envelope in transport.messages:
        payload = json.loads(envelope["payload"])
        if envelope["type"] == "book_reviewed_v1":
            lines.append(f"{payload['reviewer']} reviewed {payload['title']}")
        else:
            lines.append(f"{payload['title']} registered")
    return lines


@TWO_BOOKS
async def test_each_envelope_sent_is_logged_with_its_ids(
    books: list[Book], engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    transport = FlakyEventstreamTransport(failures=1)
    relay = OutboxRelay(engine, outbox, transport, backoff=timedelta(0))
    caplog.set_level(logging.INFO, logger=relay.logger.name)

    await drain(relay)

    # Each line's fields, given as extra: attributes of its record.
    sent = [vars(record) for record in caplog.records if record.msg.startswith("sent ")]
    # Each envelope once, when it was sent, though a batch failed first.
    ids = {
        fields["message_id"]: (fields["aggregate_id"], fields["correlation_id"])
        for fields in sent
    }
    assert len(sent) == len(ids) == 2
    # Registered by no request: each envelope's trail starts with its message.
    assert ids == {
        str(row["message_id"]): (row["stream_key"], str(row["message_id"]))
        for row in await outbox_rows(engine)
    }


@ONE_BOOK
async def test_a_failed_send_waits_before_it_is_tried_again(
    books: list[Book], engine: AsyncEngine
) -> None:
    transport = FlakyEventstreamTransport(failures=1)
    relay = OutboxRelay(engine, outbox, transport, backoff=timedelta(minutes=1))

    assert await relay.send_pending() == 1
    assert await relay.send_pending() == 0

    [row] = await outbox_rows(engine)
    assert (row["status"], row["attempts"], row["last_error"]) == (
        "pending",
        1,
        "StreamDown: the broker did not answer",
    )
    async with engine.connect() as connection:
        next_attempt_at = await connection.scalar(select(outbox.c.next_attempt_at))
    assert next_attempt_at is not None
    wait = next_attempt_at - datetime.now(timezone.utc)
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    assert told(transport) == []


@ONE_BOOK
async def test_a_row_that_keeps_failing_is_parked_as_dead(
    books: list[Book], engine: AsyncEngine
) -> None:
    transport = FlakyEventstreamTransport(failures=10)
    relay = OutboxRelay(engine, outbox, transport, max_attempts=3, backoff=timedelta(0))

    await drain(relay)

    [row] = await outbox_rows(engine)
    assert (row["status"], row["attempts"], row["last_error"]) == (
        "dead",
        3,
        "StreamDown: the broker did not answer",
    )
    assert told(transport) == []


class Crash(BaseException):
    """The relay's process dies here: no ``except Exception`` catches it."""


class CrashAfterSending(InMemoryEventstreamTransport):
    """The stream gets the first message, then the relay dies, unmarked."""

    def __init__(self) -> None:
        super().__init__()
        self.crashed = False

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        await super().send_message_serialized(message)
        if not self.crashed:
            self.crashed = True
            raise Crash


class ReviewsService:
    """A consumer of the stream: it applies each message once, by its id."""

    def __init__(self) -> None:
        self.applied: set[str] = set()
        self.books: list[str] = []

    def receive(self, envelope: Mapping[str, Any]) -> None:
        if envelope["id"] in self.applied:
            return  # sent again: its effect is already there
        self.applied.add(envelope["id"])
        self.books.append(json.loads(envelope["payload"])["title"])


@ONE_BOOK
async def test_a_relay_that_dies_after_sending_sends_again(
    books: list[Book], engine: AsyncEngine
) -> None:
    transport = CrashAfterSending()
    with pytest.raises(Crash):
        await OutboxRelay(engine, outbox, transport).send_pending()
    # The next relay finds the row pending: the crash undid the mark.
    await drain(OutboxRelay(engine, outbox, transport))

    # At least once: the stream got the event twice...
    assert told(transport) == ["Domain Driven Design registered"] * 2
    # ...and a consumer that checks the message id applies it once.
    consumer = ReviewsService()
    for envelope in transport.messages:
        consumer.receive(envelope)
    assert consumer.books == ["Domain Driven Design"]


class HeldTransport(InMemoryEventstreamTransport):
    """A stream that holds each message until the test lets it through."""

    def __init__(self, messages: list[Mapping[str, Any]]) -> None:
        super().__init__()
        self.messages = messages
        self.holding = asyncio.Event()
        self.let_through = asyncio.Event()

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        self.holding.set()
        await self.let_through.wait()
        await super().send_message_serialized(message)


@POSTGRESQL
@TWO_BOOKS
async def test_two_relays_send_every_row_once(
    books: list[Book], engine: AsyncEngine
) -> None:
    for reviewer in ["Alice", "Bob"]:
        for book in books:
            await review(engine, book, reviewer)
    stream = InMemoryEventstreamTransport()
    held = HeldTransport(stream.messages)
    first = OutboxRelay(engine, outbox, held, batch_size=1)
    second = OutboxRelay(engine, outbox, stream)

    # The first relay takes the oldest row, and is held in the middle of it...
    sending = asyncio.create_task(first.send_pending())
    await held.holding.wait()
    # ...while the second one takes the oldest row of the other book only.
    taken_by_second = await second.send_pending()
    held.let_through.set()
    taken_by_first = await sending
    assert (taken_by_first, taken_by_second) == (1, 1)
    # Then both run at once, until nothing is left.
    await asyncio.gather(drain(first), drain(second))

    sent_twice = [line for line, times in Counter(told(stream)).items() if times > 1]
    assert sent_twice == []
    assert sorted(told(stream)) == [
        "Alice reviewed Architecture Patterns with Python",
        "Alice reviewed Domain Driven Design",
        "Architecture Patterns with Python registered",
        "Bob reviewed Architecture Patterns with Python",
        "Bob reviewed Domain Driven Design",
        "Domain Driven Design registered",
    ]
    assert [line for line in told(stream) if "Domain Driven" in line] == [
        "Domain Driven Design registered",
        "Alice reviewed Domain Driven Design",
        "Bob reviewed Domain Driven Design",
    ]


@TWO_BOOKS
async def test_the_events_of_a_book_keep_their_order(
    books: list[Book], engine: AsyncEngine
) -> None:
    await review(engine, DOMAIN_DRIVEN_DESIGN, "Alice")
    # The first send fails: Domain Driven Design registered.
    transport = FlakyEventstreamTransport(failures=1)

    await drain(OutboxRelay(engine, outbox, transport, backoff=timedelta(0)))

    # The other book did not wait for Domain Driven Design...
    assert told(transport)[0] == "Architecture Patterns with Python registered"
    # ...whose events reached the stream in the order of their commits.
    assert [line for line in told(transport) if "Domain Driven" in line] == [
        "Domain Driven Design registered",
        "Alice reviewed Domain Driven Design",
    ]
