"""The migrations make exactly the tables of the metadata, on each database."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from lastuuid.dummies import uuidgen
from sqlalchemy import Connection, String, Uuid, column, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.orm import books, metadata

ALEMBIC_INI = Path(__file__).parents[3] / "alembic.ini"
# The books table as revision 0001 made it: the metadata knows only the latest.
BOOKS_OF_REVISION_0001 = table(
    "books",
    column("id", Uuid),
    column("title", String),
    column("author", String),
    column("isbn", String),
)


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
            "kept_responses",
            "messages",
            "outbox",
        ]
        assert await connection.run_sync(differences) == []


def migrate_to(connection: Connection, revision: str) -> None:
    """``alembic upgrade`` or ``downgrade`` to ``revision``, on the connection."""
    config = Config(ALEMBIC_INI)
    config.attributes["connection"] = connection
    current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current > revision:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


async def test_the_authors_survive_an_upgrade_and_a_downgrade(
    empty_engine: AsyncEngine,
) -> None:
    async with empty_engine.begin() as connection:
        await connection.run_sync(migrate_to, "0001")
        await connection.execute(
            BOOKS_OF_REVISION_0001.insert().values(
                id=uuidgen(1),
                title="Domain Driven Design",
                author="Eric Evans",
                isbn="9780321125217",
            )
        )
        await connection.run_sync(migrate_to, "0002")
        upgraded = (await connection.execute(select(books.c.authors))).scalars().all()
        await connection.execute(
            books.insert().values(
                id=uuidgen(2),
                title="Architecture Patterns with Python",
                authors=["Harry Percival", "Bob Gregory"],
                isbn="9781492052203",
            )
        )
        await connection.run_sync(migrate_to, "0001")
        downgraded = await connection.execute(
            select(BOOKS_OF_REVISION_0001.c.author).order_by(
                BOOKS_OF_REVISION_0001.c.title
            )
        )

    assert upgraded == [["Eric Evans"]]
    assert downgraded.scalars().all() == [
        "Harry Percival, Bob Gregory",
        "Eric Evans",
    ]
