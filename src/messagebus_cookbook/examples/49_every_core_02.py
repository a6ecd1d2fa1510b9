"""The fixtures of the real servers, as a pytest plugin.

A project's root ``conftest.py`` gives them to its tests with
``pytest_plugins = ["tests.real_servers.plugin"]``. Each fixture uses the
server of its test-only variable when it is set, and starts one
otherwise: a test never skips for want of a server.

Under pytest-xdist, each worker is a session of its own, with servers of
its own. A broker given to the tests is shared by every worker, whose
tests would take each other's messages from its queues: ``-n auto``
then runs no worker, and ``-n`` with a count above one fails.
"""

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import pytest_asyncio
from sqlalchemy import URL, make_url

from tests.real_servers.databases import new_database
from tests.real_servers.postgresql import RestartablePostgreSQL, restartable_server
from tests.real_servers.rabbitmq import rabbitmq_node
from tests.real_servers.redis import redis_server

# The brokers a variable may give: one for the whole suite, never for two
# workers at once.
SHARED_BROKERS = ("TEST_BROKER_URL", "TEST_RABBITMQ_URL")


def given_brokers() -> list[str]:
    return [name for name in SHARED_BROKERS if os.environ.get(name)]


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: no worker when a broker is given, else xdist's count."""
    return 0 if given_brokers() else None


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a count of workers that would share a given broker."""
    workers = getattr(config.option, "numprocesses", None)
    if isinstance(workers, int) and workers > 1 and given_brokers():
        raise pytest.UsageError(
            f"the broker of {' and '.join(given_brokers())} would serve "
            f"{workers} workers, whose tests would take each other's "
            f"messages: run with -n auto or -n 0, not -n {workers}"
        )


@contextlib.contextmanager
def given_or_started(
    variable: str, start: Callable[[], AbstractContextManager[str]]
) -> Iterator[str]:
    """The URL the variable gives, or that of a server started until the block ends."""
    url = os.environ.get(variable)
    if url:
        yield url
        return
    with start() as url:
        yield url


@contextlib.contextmanager
def postgresql() -> Iterator[str]:
    with restartable_server() as server:
        yield server.url


@contextlib.contextmanager
def rabbitmq() -> Iterator[str]:
    with rabbitmq_node() as node:
        yield node.url


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[URL]:
    """The server of TEST_DATABASE_URL, or a PostgreSQL the tests start and stop.

    The tests make databases of their own on it.
    """
    with given_or_started("TEST_DATABASE_URL", postgresql) as url:
        yield make_url(url)


@pytest_asyncio.fixture
async def postgresql_database(postgresql_server: URL) -> AsyncIterator[URL]:
    """A new, empty database on ``postgresql_server``, dropped after the test."""
    async with new_database(postgresql_server) as database:
        yield database


@pytest.fixture
def restartable_postgresql() -> Iterator[RestartablePostgreSQL]:
    """A PostgreSQL server of the test's own, which the test may stop."""
    with restartable_server() as server:
        yield server


@pytest.fixture
def broker_url() -> Iterator[str]:
    """The broker of TEST_BROKER_URL, or a Redis server of the test's own."""
    with given_or_started("TEST_BROKER_URL", redis_server) as url:
        yield url


@pytest.fixture(scope="session")
def rabbitmq_server() -> Iterator[str]:
    """The RabbitMQ of TEST_RABBITMQ_URL, or a node the tests start and stop."""
    with given_or_started("TEST_RABBITMQ_URL", rabbitmq) as url:
        yield url
