"""The migrations make exactly the tables of the metadata, on each database."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.uow_sqla.orm import metadata

ALEMBIC_INI = Path(__file__).parents[2] / "alembic.ini"


def upgrade_to_head(connection: Connection) -> None:
    """``alembic upgrade head``, on the test's connection."""
    config = Config(ALEMBIC_INI)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def differences(connection: Connection) -> list[Any]:
    """What ``alembic revision --autogenerate`` would write: nothing, we hope."""
    found: list[Any] = compare_metadata(
        MigrationContext.configure(connection), metadata
    )
    return found


def table_names(connection: Connection) -> list[str]:
    return sorted(inspect(connection).get_table_names())


async def test_the_migrations_make_the_tables_of_the_metadata(
    empty_engine: AsyncEngine,
) -> None:
    async with empty_engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    async with empty_engine.connect() as connection:
        assert await connection.run_sync(table_names) == [
            "alembic_version",
            "books",
            "messages",
            "outbox",
        ]
        assert await connection.run_sync(differences) == []
