"""A database of a test's own: empty, or a copy of a template, then dropped."""

from sqlalchemy import URL, Column, Integer, MetaData, Table, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from tests.real_servers.databases import new_database

metadata = MetaData()
Table("shelves", metadata, Column("number", Integer, primary_key=True))


async def databases_of(server: URL) -> list[str]:
    engine = create_async_engine(server)
    try:
        async with engine.connect() as connection:
            rows = await connection.exec_driver_sql("SELECT datname FROM pg_database")
            return [name for (name,) in rows]
    finally:
        await engine.dispose()


async def tables_of(database: URL) -> list[str]:
    engine = create_async_engine(database)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: inspect(sync).get_table_names()
            )
    finally:
        await engine.dispose()


async def test_the_database_is_empty_and_dropped_after_the_test(
    postgresql_server: URL, postgresql_database: URL
) -> None:
    assert postgresql_database.database in await databases_of(postgresql_server)
    assert await tables_of(postgresql_database) == []


async def test_a_database_is_dropped_with_a_connection_left_open(
    postgresql_server: URL,
) -> None:
    async with new_database(postgresql_server, prefix="shop") as database:
        engine = create_async_engine(database)
        left_open = await engine.connect()
        await left_open.exec_driver_sql("SELECT 1")

    assert database.database not in await databases_of(postgresql_server)
    # The server ended the connection: it cannot go back to a pool.
    await left_open.invalidate()
    await engine.dispose()


async def test_a_copy_of_a_template_has_its_tables(postgresql_server: URL) -> None:
    async with new_database(postgresql_server, prefix="template") as template:
        engine = create_async_engine(template)
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        # A template takes no copy while a connection to it is open.
        await engine.dispose()
        async with new_database(postgresql_server, template=template) as copy:
            assert await tables_of(copy) == ["shelves"]
