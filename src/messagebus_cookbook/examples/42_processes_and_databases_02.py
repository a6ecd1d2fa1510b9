"""Databases of the tests' own on a PostgreSQL server: one for each test."""

import contextlib
from collections.abc import AsyncIterator
from uuid import uuid4

from sqlalchemy import URL
from sqlalchemy.ext.asyncio import create_async_engine


async def execute_outside_a_transaction(server: URL, statement: str) -> None:
    """Run CREATE or DROP DATABASE, which refuse to run in a transaction."""
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def new_database(
    server: URL, *, template: URL | None = None, prefix: str = "tests"
) -> AsyncIterator[URL]:
    """A database of its own on ``server``, a copy of ``template`` if given.

    A copy costs a few milliseconds where making the tables again costs
    more: make them once in a template, and give each test a copy. The
    database is dropped at the end of the block, with any connection a
    test left open.
    """
    database = server.set(database=f"{prefix}_{uuid4().hex}")
    create = f'CREATE DATABASE "{database.database}"'
    if template is not None:
        create += f' TEMPLATE "{template.database}"'
    await execute_outside_a_transaction(server, create)
    try:
        yield database
    finally:
        await execute_outside_a_transaction(
            server, f'DROP DATABASE "{database.database}" WITH (FORCE)'
        )
