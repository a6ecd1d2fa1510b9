"""The reviews migrations make exactly the tables of its metadata."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from reviews.adapters.orm import create_engine, metadata

ALEMBIC_INI = Path(__file__).parents[2] / "alembic.ini"


def upgrade_to_head(connection: Connection) -> None:
    """``alembic -n reviews upgrade head``, on the test's connection."""
    config = Config(ALEMBIC_INI, ini_section="reviews")
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def differences(connection: Connection) -> list[Any]:
    found: list[Any] = compare_metadata(
        MigrationContext.configure(connection), metadata
    )
    return found


def table_names(connection: Connection) -> list[str]:
    return sorted(inspect(connection).get_table_names())


async def test_the_migrations_make_the_tables_of_the_metadata(
    reviews_database: str,
) -> None:
    engine = create_engine(reviews_database)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade_to_head)
        async with engine.connect() as connection:
            assert await connection.run_sync(table_names) == [
                "alembic_version",
                "books",
                "dead_letters",
                "inbox",
                "outbox",
                "review_summaries",
                "reviews",
            ]
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
