import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from celery import Celery
from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import StaticPool

from reading_club.adapters.eventstream import create_celery_app
from reading_club.adapters.orm import create_engine, metadata
from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.bootstrap import ReadingClub
from reading_club.domain.messages import RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.reading_club.processes import (
    StartRelay,
    club_environment,
    eventstream_worker,
)
from tests.real_servers.databases import new_database
from tests.streams import Envelopes, InMemoryEventstreamTransport


@pytest.fixture
async def sqlite_engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgresql_template(postgresql_server: URL) -> AsyncIterator[URL]:
    """A database with the tables, made once: each test gets a copy of it."""
    async with new_database(postgresql_server, prefix="reading_club") as template:
        engine = create_engine(template)
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        await engine.dispose()
        yield template


@pytest.fixture
async def postgresql_engine(
    postgresql_server: URL, postgresql_template: URL
) -> AsyncIterator[AsyncEngine]:
    async with new_database(
        postgresql_server, template=postgresql_template, prefix="reading_club"
    ) as database:
        engine = create_engine(database)
        yield engine
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """An empty database with the tables, on each backend in turn."""
    engine: AsyncEngine = request.getfixturevalue(f"{request.param}_engine")
    return engine


@pytest.fixture
async def empty_sqlite_engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    yield engine
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """A database without any table, on each backend in turn."""
    engine: AsyncEngine = request.getfixturevalue(f"empty_{request.param}_engine")
    return engine


@pytest.fixture
def uow(engine: AsyncEngine) -> SQLUnitOfWork:
    return SQLUnitOfWork(engine)


@pytest.fixture
async def books(
    request: pytest.FixtureRequest,
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
) -> list[Book]:
    """The books of the club when the test starts, registered through the bus."""
    books: list[Book] = getattr(request, "param", [])
    for book in books:
        command = RegisterBookV2(
            id=book.id, title=book.title, authors=book.authors, isbn=book.isbn
        )
        async with uow as transaction:
            result = await bus.handle(command, transaction)
            if result.is_ok():
                await transaction.commit()
            else:
                await transaction.rollback()
        assert result == Ok(None), f"the club refused {book.title!r}: {result}"
    return books


@pytest.fixture
def start_relay(engine: AsyncEngine) -> Iterator[StartRelay]:
    """Start ``python -m reading_club.entrypoints.relay`` on the test's database.

    ``start_relay(broker_url, "--check", SEND_TIMEOUT="1")`` passes arguments
    and READING_CLUB_RELAY_* settings. A relay still running after the test
    is killed.
    """
    processes: list[subprocess.Popen[str]] = []

    def start(
        broker_url: str, *arguments: str, **settings: str
    ) -> subprocess.Popen[str]:
        relay_settings = {f"RELAY_{name}": value for name, value in settings.items()}
        process = subprocess.Popen(
            [sys.executable, "-m", "reading_club.entrypoints.relay", *arguments],
            env=club_environment(engine, broker_url, **relay_settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


# What every tier of the club's tests takes: a book, the command that
# registers it, the bus, and the stream, in memory or on a broker.
@pytest.fixture
def book() -> Book:
    return Book(
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
        isbn="0-321-12521-5",
    )


@pytest.fixture
def transport() -> InMemoryEventstreamTransport:
    return InMemoryEventstreamTransport()


@pytest.fixture
def register_book_cmd() -> RegisterBookV2:
    return RegisterBookV2(
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
        isbn="0-321-12521-5",
    )


@pytest.fixture(scope="session")
def bus() -> AsyncMessageBus[AbstractUnitOfWork]:
    return ReadingClub.create_bus()


@pytest.fixture
def celery_app(broker_url: str) -> Celery:
    return create_celery_app(broker_url)


@pytest.fixture
def received(broker_url: str) -> Iterator[Envelopes]:
    with eventstream_worker(broker_url) as envelopes:
        yield envelopes
