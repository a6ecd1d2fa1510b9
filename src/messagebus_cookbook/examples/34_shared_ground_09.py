"""What a service's Alembic ``env.py`` does, for any service."""

import asyncio
import logging.config
from collections.abc import Callable
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, MetaData, TypeDecorator

from sql_database.engine import create_engine


def render_item(
    type_: str, item: Any, autogen_context: AutogenContext
) -> str | Literal[False]:
    """Write a type of ours as the type it stores: a revision imports no app code."""
    if type_ == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl!r}"
    return False


def migrate(connection: Connection, metadata: MetaData) -> None:
    """Run the migrations that ``connection``'s database has not had yet."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most of a table: batch mode copies it instead.
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def migrate_database(url: str, metadata: MetaData) -> None:
    """Run the migrations on the database at ``url``, on a connection of its own.

    A migration may rebuild a large table or an index: its statements have
    no timeout.
    """
    engine = create_engine(url, statement_timeout=None)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(migrate, metadata)
    finally:
        await engine.dispose()


def run_migrations(metadata: MetaData, database_url: Callable[[], str]) -> None:
    """Migrate the connection a test gives, or else the database of the settings.

    ``database_url`` reads the settings: a test that passes its connection
    (``config.attributes["connection"]``) reads neither them nor the
    logging configuration. Migrations run online only.
    """
    if context.is_offline_mode():
        raise SystemExit("these migrations run online only, on a database")
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        migrate(connection, metadata)
        return
    if config.config_file_name is not None:
        logging.config.fileConfig(config.config_file_name)
    asyncio.run(migrate_database(database_url(), metadata))
