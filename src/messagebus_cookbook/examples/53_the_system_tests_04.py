import os
from collections.abc import AsyncIterator, Iterator

import pytest
from celery import Celery
from kombu import Queue
from opentelemetry.sdk.trace import ReadableSpan
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sql_database.engine import create_engine
from tests.otlp import Collector, collecting
from tests.spans import KeptSpans, trace_every_test
from tests.tiers import servers_of_a_unit_test

# PostgreSQL, Redis and RabbitMQ, started for the tests or given to them.
pytest_plugins = ["tests.real_servers.plugin"]


@pytest.fixture(scope="session", autouse=True)
def traced() -> KeptSpans:
    """Every test traces its work, as the processes do with an OTLP endpoint."""
    return trace_every_test()


@pytest.fixture
def spans(traced: KeptSpans) -> Iterator[list[ReadableSpan]]:
    """The spans that end during the test, in the order they end."""
    with traced.kept() as spans:
        yield spans


@pytest.fixture
def collector() -> Iterator[Collector]:
    """An OTLP collector for the processes a test starts: what they export."""
    with collecting() as collector:
        yield collector


@pytest.fixture(autouse=True)
def no_reading_club_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests never read the club's settings: hide READING_CLUB_* from them."""
    for name in list(os.environ):
        if name.startswith("READING_CLUB_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_celery_broker_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Celery prefers CELERY_BROKER_URL to the URL it is given: unset it."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)


@pytest.fixture
def rabbitmq_url(rabbitmq_server: str) -> Iterator[str]:
    """RabbitMQ's URL; the queues of the club and the service go after the test."""
    yield rabbitmq_server
    with Celery(broker=rabbitmq_server).connection_for_write() as connection:
        for queue in ("reading_club", "reviews"):
            Queue(queue)(connection.default_channel).delete()


@pytest.fixture
async def empty_postgresql_engine(
    postgresql_database: URL,
) -> AsyncIterator[AsyncEngine]:
    """An engine on a new PostgreSQL database without any table."""
    engine = create_engine(postgresql_database)
    yield engine
    await engine.dispose()


@pytest.fixture(autouse=True)
def unit_tests_take_no_server(request: pytest.FixtureRequest) -> None:
    """A test of a ``unit`` folder that needs a server belongs to integration."""
    servers = servers_of_a_unit_test(request.path, request.fixturenames)
    if servers:
        pytest.fail(
            f"a unit test takes no server, and this one asks for "
            f"{', '.join(servers)}: move it to integration/",
            pytrace=False,
        )
