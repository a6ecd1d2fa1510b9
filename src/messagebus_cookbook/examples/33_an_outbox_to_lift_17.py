import asyncio
import json
import logging
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.uow_sqla.orm import create_engine, metadata, outbox
from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from reading_club.domain.messages import RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.conftest import InMemoryEventstreamTransport, StreamDown
from tests.uow_sqla.conftest import (
    ARCHITECTURE_PATTERNS_WITH_PYTHON,
    DOMAIN_DRIVEN_DESIGN,
    StartRelay,
    drain,
    outbox_rows,
)
from transactional_outbox.relay import OutboxRelay

POSTGRESQL = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
ONE_BOOK = pytest.mark.parametrize(
    "books", [[DOMAIN_DRIVEN_DESIGN]], ids=["one book"], indirect=True
)
TWO_BOOKS = pytest.mark.parametrize(
    "books",
    [[DOMAIN_DRIVEN_DESIGN, ARCHITECTURE_PATTERNS_WITH_PYTHON]],
    ids=["two books"],
    indirect=True,
)


class SilentBroker:
    """A server that accepts every connection and never answers: a hung broker."""

    def __init__(self) -> None:
        self.url = ""
        self.connected = asyncio.Event()
        self.connections: list[asyncio.StreamWriter] = []

    async def listen(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.connections.append(writer)
        self.connected.set()
        await reader.read()  # until the client hangs up; never a word back


@pytest.fixture
async def silent_broker() -> AsyncIterator[SilentBroker]:
    broker = SilentBroker()
    server = await asyncio.start_server(broker.listen, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    broker.url = f"redis://{host}:{port}/0"
    try:
        yield broker
    finally:
        for connection in broker.connections:
            connection.close()
        server.close()
        await server.wait_closed()


async def first_failure(engine: AsyncEngine, within: float) -> dict[str, Any]:
    """The outbox row, once the relay has counted a failed attempt."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        [row] = await outbox_rows(engine)
        if row["attempts"] > 0:
            return row
        await asyncio.sleep(0.1)
    pytest.fail(f"no failed attempt within {within} s: the relay still waits")


@POSTGRESQL
@ONE_BOOK
async def test_a_broker_that_never_answers_fails_the_send_in_time(
    books: list[Book],
    engine: AsyncEngine,
    silent_broker: SilentBroker,
    start_relay: StartRelay,
) -> None:
    relay = start_relay(silent_broker.url, SEND_TIMEOUT="1", POLL_INTERVAL="0.1")
    # The relay has taken the row, and waits for the broker.
    await asyncio.wait_for(silent_broker.connected.wait(), timeout=15)

    # The failure is committed: the relay holds no lock on the row any more.
    row = await first_failure(engine, within=3)
    relay.send_signal(signal.SIGTERM)
    output, _ = await asyncio.to_thread(relay.communicate, timeout=5)

    assert (row["status"], row["attempts"]) == ("pending", 1)
    # The relay's timer and the Redis client's read are both given the send
    # timeout: whichever gives up first names the failure.
    assert row["last_error"] in (
        "SendTimeout: no answer within 1.0 s",
        "OperationalError: Timeout reading from socket",
    )
    assert relay.returncode == 0, output


@POSTGRESQL
@ONE_BOOK
async def test_a_relay_stops_at_once_in_the_middle_of_a_hung_send(
    books: list[Book],
    engine: AsyncEngine,
    silent_broker: SilentBroker,
    start_relay: StartRelay,
) -> None:
    relay = start_relay(silent_broker.url, SEND_TIMEOUT="60", POLL_INTERVAL="0.1")
    # The relay has taken the row, and waits for the broker.
    await asyncio.wait_for(silent_broker.connected.wait(), timeout=15)

    relay.send_signal(signal.SIGTERM)
    try:
        output, _ = await asyncio.to_thread(relay.communicate, timeout=2)
    except subprocess.TimeoutExpired:
        pytest.fail("SIGTERM did not stop the relay within 2 s")

    assert relay.returncode == 0, output
    # Its last line, as JSON, like every line it logs.
    assert json.loads(output.splitlines()[-1])["message"] == "relay stopped", output
    [row] = await outbox_rows(engine)
    assert (row["status"], row["attempts"]) == ("pending", 0)


class RefusingTransport(InMemoryEventstreamTransport):
    """A stream that refuses the events of one book, with a NUL in its error."""

    def __init__(self, refused: UUID) -> None:
        super().__init__()
        self.refused = str(refused)

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        if json.loads(message["payload"])["id"] == self.refused:
            raise StreamDown("refused\x00by the broker")
        await super().send_message_serialized(message)


@TWO_BOOKS
async def test_an_error_the_database_cannot_store_fails_its_row_only(
    books: list[Book], engine: AsyncEngine
) -> None:
    transport = RefusingTransport(DOMAIN_DRIVEN_DESIGN.id)
    relay = OutboxRelay(engine, outbox, transport, max_attempts=3, backoff=timedelta(0))

    await drain(relay)

    rows = await outbox_rows(engine)
    assert [(row["status"], row["attempts"], row["last_error"]) for row in rows] == [
        ("dead", 3, "StreamDown: refused\\x00by the broker"),
        ("sent", 1, None),
    ]
    # Sent once: the failure of the other row did not undo its mark.
    assert [
        json.loads(message["payload"])["title"] for message in transport.messages
    ] == ["Architecture Patterns with Python"]


async def test_a_relay_waits_for_its_database_with_one_line_per_failure(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    register_book_cmd: RegisterBookV2,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The database is down: its folder does not exist yet.
    folder = tmp_path / "club"
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'club.db'}")
    transport = InMemoryEventstreamTransport()
    relay = OutboxRelay(engine, outbox, transport, poll_interval=0.05)
    stop = asyncio.Event()
    caplog.set_level(logging.INFO, logger=relay.logger.name)

    running = asyncio.create_task(relay.run(stop))
    await asyncio.sleep(1)
    failed_in_a_second = len(caplog.records)
    # The database is back, and a book is registered.
    folder.mkdir()
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    uow: AbstractUnitOfWork = SQLUnitOfWork(engine)
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    for _ in range(30):
        if transport.messages and "the relay works again" in caplog.text:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await running
    await engine.dispose()

    assert result == Ok(None)
    assert [
        json.loads(message["payload"])["title"] for message in transport.messages
    ] == ["Domain Driven Design"]
    assert all(record.exc_info is None for record in caplog.records), "a traceback"
    # Waits that double: 0.05 s, 0.1 s, 0.2 s... a handful of failures in a second.
    assert 3 <= failed_in_a_second <= 6
    lines = [record.getMessage() for record in caplog.records]
    failures = [line for line in lines if line.startswith("the relay failed")]
    assert failures[0].startswith(
        "the relay failed (1 in a row), next try in 0.05 s: OperationalError:"
    )
    assert f"the relay works again after {len(failures)} failure(s)" in lines
    assert all("\n" not in line for line in lines), "one line per message"


@POSTGRESQL
async def test_the_check_says_whether_the_relay_reaches_its_broker(
    engine: AsyncEngine,
    broker_url: str,
    silent_broker: SilentBroker,
    start_relay: StartRelay,
) -> None:
    healthy = start_relay(broker_url, "--check")
    hung = start_relay(silent_broker.url, "--check", SEND_TIMEOUT="1")
    healthy_output, _ = await asyncio.to_thread(healthy.communicate, timeout=15)
    hung_output, _ = await asyncio.to_thread(hung.communicate, timeout=15)

    assert healthy.returncode == 0
    # A Redis without persistence adds a warning to the broker's line.
    assert healthy_output.startswith("database: ok, 0 row(s) pending\nbroker: ok")
    assert (hung.returncode, hung_output) == (
        1,
        "database: ok, 0 row(s) pending\nbroker: unreachable: no answer within 1.0 s\n",
    )
