"""What a broker keeps of what the relay sent: through a restart, or nowhere to go."""

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kombu import Queue

from reading_club.adapters.eventstream import (
    CeleryBatchTransport,
    create_celery_app,
    subscription,
)
from tests.real_servers.rabbitmq import RabbitMQNode, rabbitmq_node
from tests.real_servers.redis import redis_server
from transactional_outbox.stream import NOT_PERSISTENT

pytestmark = pytest.mark.broker

ENVELOPES = [
    {
        "id": f"0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e0{number}",
        "created_at": "2026-11-29T09:00:00+00:00",
        "type": "book_registered_v2",
        "payload": "{}",
    }
    for number in range(1, 4)
]


@dataclass
class RestartableRedis:
    """A Redis of one test, on a socket that outlives its restarts.

    It keeps nothing on disk: each start is a Redis with no data, as a Redis
    without persistence is after a crash or a restart.
    """

    socket_file: Path
    url: str = ""
    running: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    def start(self) -> None:
        self.url = self.running.enter_context(redis_server(str(self.socket_file)))

    def restart(self) -> None:
        self.running.close()
        self.start()


# Redis keeps its data in memory: unless it writes them to disk (an
# append-only file, snapshots), a restart forgets its queues and what
# they held.
FORGETS = pytest.mark.xfail(
    reason="a Redis that keeps nothing on disk forgets its queues", strict=True
)


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[RestartableRedis | RabbitMQNode]:
    """A broker of the test's own, which it restarts: each broker in turn."""
    if request.param == "rabbitmq":
        with rabbitmq_node() as node:
            yield node
        return
    redis = RestartableRedis(tmp_path / "redis.sock")
    redis.start()
    with redis.running:
        yield redis


def waiting(broker_url: str, queue: Queue) -> int:
    """How many messages wait in the queue: taken from it one by one."""
    with create_celery_app(broker_url).connection_for_write() as connection:
        taking = queue(connection.default_channel)
        count = 0
        while taking.get(no_ack=True) is not None:
            count += 1
        return count


@pytest.mark.parametrize(
    "broker", [pytest.param("redis", marks=FORGETS), "rabbitmq"], indirect=True
)
async def test_what_the_broker_took_outlives_its_restart(
    broker: RestartableRedis | RabbitMQNode,
) -> None:
    queue = subscription("reviews")
    app = create_celery_app(broker.url)
    with app.connection_for_write() as connection:
        queue(connection.default_channel).declare()

    outcomes = await CeleryBatchTransport(app).send_batch(ENVELOPES)
    await asyncio.to_thread(broker.restart)
    kept = waiting(broker.url, queue)

    assert outcomes == [None, None, None]
    assert kept == 3


async def test_an_envelope_that_reaches_no_queue_is_not_sent(
    broker: RestartableRedis | RabbitMQNode,
) -> None:
    # Nobody declared a queue: no binding sends the envelopes anywhere.
    transport = CeleryBatchTransport(create_celery_app(broker.url))

    outcomes = await transport.send_batch(ENVELOPES)

    assert all(isinstance(outcome, Exception) for outcome in outcomes), outcomes


async def test_the_check_warns_of_a_broker_that_forgets(
    broker: RestartableRedis | RabbitMQNode,
) -> None:
    warning = await CeleryBatchTransport(create_celery_app(broker.url)).ping()

    forgets = isinstance(broker, RestartableRedis)
    assert warning == (NOT_PERSISTENT if forgets else None)
