"""The inventory's database: one of its own for each test, on the tests' PostgreSQL."""

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.idempotent_consumer.inventory import metadata


async def run_outside_a_transaction(server: URL, statement: str) -> None:
    """CREATE and DROP DATABASE refuse to run in a transaction."""
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


@pytest.fixture
async def inventory_engine(postgresql_server: URL) -> AsyncIterator[AsyncEngine]:
    """A database of its own with the inventory's tables, dropped after the test."""
    database = postgresql_server.set(database=f"inventory_{uuid4().hex}")
    await run_outside_a_transaction(
        postgresql_server, f'CREATE DATABASE "{database.database}"'
    )
    engine = create_async_engine(database)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        yield engine
    finally:
        await engine.dispose()
        await run_outside_a_transaction(
            postgresql_server, f'DROP DATABASE "{database.database}"'
        )
