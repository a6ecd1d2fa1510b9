"""The engine of every service: transactions on SQLite, timeouts on PostgreSQL."""

import asyncio
import time

import pytest
from sqlalchemy import URL, Column, Integer, MetaData, Table, select, text
from sqlalchemy.pool import StaticPool

from sql_database.engine import create_engine

metadata = MetaData()
numbers = Table("numbers", metadata, Column("number", Integer, primary_key=True))


async def test_a_transaction_on_sqlite_undoes_its_savepoints_too() -> None:
    engine = create_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        async with engine.connect() as connection:
            await connection.begin()
            # A savepoint first: sqlite3 alone would not have begun a
            # transaction, and the savepoint's release would commit the number.
            async with connection.begin_nested():
                await connection.execute(numbers.insert().values(number=1))
            await connection.rollback()
            kept = list(await connection.scalars(select(numbers.c.number)))
    finally:
        await engine.dispose()
    assert kept == []


async def test_a_statement_on_postgresql_gives_up_after_its_timeout(
    postgresql_server: URL,
) -> None:
    engine = create_engine(postgresql_server, statement_timeout=0.2)
    try:
        async with engine.connect() as connection:
            started = time.monotonic()
            # asyncio.TimeoutError is the built-in TimeoutError since 3.11 only.
            with pytest.raises(asyncio.TimeoutError):
                await connection.execute(text("SELECT pg_sleep(5)"))
            waited = time.monotonic() - started
    finally:
        await engine.dispose()
    assert waited < 2
