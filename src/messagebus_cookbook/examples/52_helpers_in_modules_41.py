"""The relay of the reviews service sends its outbox to its own stream."""

import json
from collections.abc import Callable
from uuid import UUID

import pytest
from kombu import Connection
from messagebus import AsyncMessageBus
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.consumer import Consumer
from reviews.adapters.eventstream import subscription
from reviews.adapters.orm import outbox
from reviews.bootstrap import bootstrap
from reviews.domain.messages import AddReview
from reviews.service.unit_of_work import AbstractUnitOfWork
from reviews.settings import Settings
from tests.reviews.mails import KeptMails
from tests.reviews.tables import rows

DOMAIN_DRIVEN_DESIGN_ID = UUID("00000001-0000-0000-0000-000000000000")

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True),
]


async def test_a_review_reaches_the_listeners_of_the_reviews(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_database: str,
    reviews_engine: AsyncEngine,
    broker_url: str,
) -> None:
    await consumer.consume(envelope)
    async with unit_of_work() as transaction:
        await reviews_bus.handle(
            AddReview(
                book_id=DOMAIN_DRIVEN_DESIGN_ID,
                reviewer="Alice",
                rating=5,
                text="The book that named the patterns.",
            ),
            transaction,
            mailer=KeptMails(),
        )
        await transaction.commit()
    service = bootstrap(
        Settings(
            database_url=SecretStr(reviews_database), broker_url=SecretStr(broker_url)
        ),
        engine=reviews_engine,
    )

    with Connection(broker_url) as connection:
        # A service that listens to the reviews: its queue, bound to the stream.
        queue = subscription("club_listens", "book_reviewed_v1")(
            connection.default_channel
        )
        queue.declare()
        try:
            assert await service.relay().send_pending() == 1
            message = queue.get(no_ack=True)
        finally:
            queue.delete()
            await service.close()

    [row] = (await rows(reviews_engine, [outbox]))["outbox"]
    assert row["status"] == "sent"
    assert message is not None, "nothing reached the queue"
    args, _kwargs, _embed = message.decode()
    assert args == [row["envelope"]]
    assert json.loads(row["envelope"]["payload"])["reviewer"] == "Alice"
