"""How Alembic reaches the club's database: run by every alembic command."""

import asyncio
import logging.config
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, TypeDecorator

from reading_club.adapters.uow_sqla.orm import create_engine, metadata
from reading_club.settings import Settings

config = context.config


def render_item(
    type_: str, item: Any, autogen_context: AutogenContext
) -> str | Literal[False]:
    """Write a type of ours as the type it stores: a revision imports no app code."""
    if type_ == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl!r}"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most of a table: batch mode copies it instead.
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_on_the_database_of_the_settings() -> None:
    engine = create_engine(Settings().database_url.get_secret_value())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the club's migrations run online only")
# A test passes its connection: it reads neither the settings nor the logging.
connection = config.attributes.get("connection")
if connection is None:
    if config.config_file_name is not None:
        logging.config.fileConfig(config.config_file_name)
    asyncio.run(run_on_the_database_of_the_settings())
else:
    run_migrations(connection)
