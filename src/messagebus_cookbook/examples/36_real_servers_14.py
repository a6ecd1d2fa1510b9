"""Each server of the kit answers; a server that a variable names is used as it is."""

import contextlib
from collections.abc import Iterator

import pytest
from kombu import Connection
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import create_async_engine

from tests.real_servers.plugin import given_or_started
from tests.real_servers.postgresql import RestartablePostgreSQL


def round_trip(broker_url: str) -> object:
    """Put a message on a queue of the broker, and take it back."""
    with Connection(broker_url, connect_timeout=5) as connection:
        queue = connection.SimpleQueue("real-servers")
        try:
            queue.put({"sku": "CHAIR-OAK"})
            message = queue.get(timeout=5)
            message.ack()
            return message.payload
        finally:
            queue.clear()
            queue.close()


async def test_postgresql_answers(postgresql_server: URL) -> None:
    engine = create_async_engine(postgresql_server)
    try:
        async with engine.connect() as connection:
            answer = await connection.exec_driver_sql("SELECT 1")
            assert answer.scalar_one() == 1
    finally:
        await engine.dispose()


async def test_a_stopped_postgresql_refuses_then_answers_again(
    restartable_postgresql: RestartablePostgreSQL,
) -> None:
    engine = create_async_engine(restartable_postgresql.url)
    try:
        async with restartable_postgresql.stopped():
            with pytest.raises(OSError):
                await engine.connect()
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("SELECT 1")).scalar_one() == 1
    finally:
        await engine.dispose()


def test_redis_takes_and_gives_a_message(broker_url: str) -> None:
    assert round_trip(broker_url) == {"sku": "CHAIR-OAK"}


def test_rabbitmq_takes_and_gives_a_message(rabbitmq_server: str) -> None:
    assert round_trip(rabbitmq_server) == {"sku": "CHAIR-OAK"}


def test_a_server_that_a_variable_names_is_used_and_none_is_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_BROKER_URL", "amqp://broker.example:5672//")

    @contextlib.contextmanager
    def start() -> Iterator[str]:
        raise AssertionError("a server was started")
        yield ""

    with given_or_started("TEST_BROKER_URL", start) as url:
        assert url == "amqp://broker.example:5672//"
