from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from messagebus import AsyncMessageBus, AsyncUnitOfWorkTransaction
from messagebus.domain.model.ids import MessageId
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.consumer import Consumer, Outcome
from reviews.adapters.orm import create_engine, metadata
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import Reviews
from reviews.domain.messages import BookRegistered
from reviews.service.consumer import READER, create_consumer
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.tables import rows

DOMAIN_DRIVEN_DESIGN_ID = UUID("00000001-0000-0000-0000-000000000000")


async def test_a_registered_book_can_be_reviewed(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    outcome = await consumer.consume(envelope)

    assert outcome is Outcome.handled
    found = await rows(reviews_engine)
    assert found["books"] == [
        {"id": DOMAIN_DRIVEN_DESIGN_ID, "title": "Domain Driven Design"}
    ]
    assert [row["message_id"] for row in found["inbox"]] == [UUID(envelope["id"])]


async def test_an_envelope_of_version_1_is_read_as_version_2(
    envelope_v1: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    outcome = await consumer.consume(envelope_v1)

    assert outcome is Outcome.handled
    found = await rows(reviews_engine)
    assert found["books"] == [
        {"id": DOMAIN_DRIVEN_DESIGN_ID, "title": "Domain Driven Design"}
    ]
    [received] = found["inbox"]
    assert received["type"] == "book_registered_v1"


def test_version_1_is_upcast_to_version_2(envelope_v1: dict[str, str]) -> None:
    type, event = READER.read(envelope_v1)

    assert type == "book_registered_v1"
    assert event == BookRegistered(
        message_id=MessageId(UUID(envelope_v1["id"])),
        created_at=datetime(2026, 11, 29, 9, 0, tzinfo=timezone.utc),
        id=DOMAIN_DRIVEN_DESIGN_ID,
        isbn="9780321125217",
        title="Domain Driven Design",
        authors=["Eric Evans"],
    )


async def test_the_same_envelope_twice_has_one_effect(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    first = await consumer.consume(envelope)
    second = await consumer.consume(envelope)

    assert (first, second) == (Outcome.handled, Outcome.duplicate)
    found = await rows(reviews_engine)
    assert len(found["books"]) == 1
    assert len(found["inbox"]) == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        pytest.param(
            {"type": "book_borrowed_v1"},
            "unknown type 'book_borrowed_v1': "
            "the service reads book_registered_v1, book_registered_v2",
            id="unknown type",
        ),
        pytest.param(
            {"payload": '{"id":"00000001-0000-0000-0000-000000000000"}'},
            "book_registered_v2 does not validate: ValidationError: "
            "3 validation errors for BookRegistered",
            id="payload with the id only",
        ),
        pytest.param(
            {"payload": "Domain Driven Design"},
            "book_registered_v2 does not validate: JSONDecodeError: ",
            id="payload that is not JSON",
        ),
        pytest.param(
            {
                "type": "book_registered_v1",
                "payload": '{"id":"00000001-0000-0000-0000-000000000000",'
                '"isbn":"9780321125217","title":"Domain Driven Design"}',
            },
            "book_registered_v1 does not validate: KeyError: 'author'",
            id="version 1 without its author",
        ),
    ],
)
async def test_an_unreadable_envelope_is_kept_as_a_dead_letter(
    envelope: dict[str, str],
    change: dict[str, str],
    error: str,
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    poison = {**envelope, **change}

    outcome = await consumer.consume(poison)

    assert outcome is Outcome.dead_lettered
    found = await rows(reviews_engine)
    [dead_letter] = found["dead_letters"]
    assert dead_letter["envelope"] == poison
    assert dead_letter["error"].startswith(error)
    assert (found["books"], found["inbox"]) == ([], [])


async def test_a_failed_handler_leaves_no_inbox_record(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    async def fail(
        event: BookRegistered,
        transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
    ) -> None:
        raise RuntimeError("the handler failed")

    failing_bus = Reviews.create_bus()
    failing_bus.add_listener(BookRegistered, fail)

    with pytest.raises(RuntimeError):
        await create_consumer(failing_bus, unit_of_work).consume(envelope)
    assert await rows(reviews_engine) == {"books": [], "inbox": [], "dead_letters": []}
    # Delivered again, the envelope has its effect.
    assert await consumer.consume(envelope) is Outcome.handled


async def test_an_envelope_waits_for_a_database_that_is_down(
    envelope: dict[str, str],
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    tmp_path: Path,
) -> None:
    # The database is down: its folder does not exist yet.
    folder = tmp_path / "reviews"
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'reviews.db'}")
    consumer = create_consumer(reviews_bus, lambda: SQLUnitOfWork(engine))

    with pytest.raises(DBAPIError):
        await consumer.consume(envelope)
    # It is back: the same envelope, delivered again, has its effect once.
    folder.mkdir()
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    outcome = await consumer.consume(envelope)
    found: dict[str, list[dict[str, Any]]] = await rows(engine)
    await engine.dispose()

    assert outcome is Outcome.handled
    assert len(found["books"]) == 1
