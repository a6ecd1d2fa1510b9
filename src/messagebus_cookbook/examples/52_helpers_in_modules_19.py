import asyncio
import json
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.eventstream import CeleryBatchTransport, create_celery_app
from reading_club.adapters.orm import outbox
from reading_club.domain.messages import RegisterBookV2
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.reading_club.books import ARCHITECTURE_PATTERNS_WITH_PYTHON
from tests.reading_club.outbox import drain, outbox_rows
from tests.reading_club.processes import StartRelay, eventstream_worker
from tests.real_servers.redis import redis_server
from tests.streams import Envelopes
from transactional_outbox.relay import OutboxRelay, StreamUnavailable

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("engine", ["postgresql"], indirect=True),
]


async def register(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    command: RegisterBookV2,
) -> None:
    async with uow as transaction:
        result = await bus.handle(command, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)


@pytest.fixture
def socket_file() -> Iterator[Path]:
    """Where a broker of the test listens: a short path, as sockets need."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "redis.socket"


async def test_what_waited_for_the_broker_is_sent_once(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    engine: AsyncEngine,
    register_book_cmd: RegisterBookV2,
    socket_file: Path,
) -> None:
    url = f"redis+socket://{socket_file}"
    transport = CeleryBatchTransport(create_celery_app(url))
    relay = OutboxRelay(engine, outbox, transport)

    # The broker is down: the registration succeeds, and its event waits.
    await register(bus, uow, register_book_cmd)
    with pytest.raises(StreamUnavailable, match="connecting to"):
        await relay.send_pending()
    [waiting] = await outbox_rows(engine)
    # Not the event's failure: it has no attempt, and waits for no backoff.
    assert (waiting["status"], waiting["attempts"]) == ("pending", 0)

    # The broker is back: the relay sends the event, once.
    with redis_server(str(socket_file)), eventstream_worker(url) as received:
        await drain(relay)
        envelope = await asyncio.to_thread(received.get, timeout=10)
    assert envelope == waiting["envelope"]
    assert received.empty()
    [sent] = await outbox_rows(engine)
    assert (sent["status"], sent["attempts"]) == ("sent", 1)


async def test_a_broker_that_stops_under_the_relay_is_out_of_reach(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    engine: AsyncEngine,
    register_book_cmd: RegisterBookV2,
    socket_file: Path,
) -> None:
    url = f"redis+socket://{socket_file}"
    transport = CeleryBatchTransport(create_celery_app(url))
    relay = OutboxRelay(engine, outbox, transport)
    with redis_server(str(socket_file)), eventstream_worker(url) as received:
        await register(bus, uow, register_book_cmd)
        assert await relay.send_pending() == 1
        await asyncio.to_thread(received.get, timeout=10)

    # The broker stopped under the relay's open connection.
    book = ARCHITECTURE_PATTERNS_WITH_PYTHON
    await register(
        bus,
        uow,
        RegisterBookV2(
            id=book.id, title=book.title, authors=book.authors, isbn=book.isbn
        ),
    )
    with pytest.raises(StreamUnavailable):
        await relay.send_pending()
    sent, waiting = await outbox_rows(engine)
    assert (sent["status"], sent["attempts"]) == ("sent", 1)
    assert (waiting["status"], waiting["attempts"]) == ("pending", 0)


async def test_a_registration_reaches_the_worker_through_the_relay(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    received: Envelopes,
    broker_url: str,
    start_relay: StartRelay,
) -> None:
    relay = start_relay(broker_url, POLL_INTERVAL="0.1")
    await register(bus, uow, register_book_cmd)

    envelope = await asyncio.to_thread(received.get, timeout=15)
    relay.send_signal(signal.SIGTERM)
    output, _ = await asyncio.to_thread(relay.communicate, timeout=10)

    assert envelope["type"] == "book_registered_v2"
    assert json.loads(envelope["payload"]) == {
        "id": "00000001-0000-0000-0000-000000000000",
        "isbn": "9780321125217",
        "title": "Domain Driven Design",
        "authors": ["Eric Evans"],
    }
    assert relay.returncode == 0, output
    # Its last line, as JSON, like every line it logs.
    assert json.loads(output.splitlines()[-1])["message"] == "relay stopped", output
