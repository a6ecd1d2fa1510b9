"""The inventory's tables, in a schema of their own for each test."""

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.read_models.inventory import metadata


async def run(server: URL, statement: str) -> None:
    engine = create_async_engine(server)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


@pytest.fixture
async def inventory_engine(postgresql_server: URL) -> AsyncIterator[AsyncEngine]:
    """An engine whose connections see the schema of the test first."""
    schema = f"inventory_{uuid4().hex}"
    await run(postgresql_server, f'CREATE SCHEMA "{schema}"')
    engine = create_async_engine(
        postgresql_server, connect_args={"server_settings": {"search_path": schema}}
    )
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        yield engine
    finally:
        await engine.dispose()
        await run(postgresql_server, f'DROP SCHEMA "{schema}" CASCADE')
