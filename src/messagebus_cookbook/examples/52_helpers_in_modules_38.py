"""The reviews migrations make exactly the tables of its metadata."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, select

from reviews.adapters.orm import books, create_engine, metadata, review_summaries
from tests.reviews.envelopes import DOMAIN_DRIVEN_DESIGN_ID

ALEMBIC_INI = Path(__file__).parents[3] / "alembic.ini"


def upgrade(connection: Connection, revision: str = "head") -> None:
    """``alembic -n reviews upgrade <revision>``, on the test's connection."""
    config = Config(ALEMBIC_INI, ini_section="reviews")
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


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
            await connection.run_sync(upgrade)
        async with engine.connect() as connection:
            assert await connection.run_sync(table_names) == [
                "alembic_version",
                "books",
                "dead_letters",
                "inbox",
                "kept_responses",
                "mail_quota",
                "outbox",
                "review_summaries",
                "reviews",
            ]
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()


async def test_the_books_known_before_the_read_model_get_a_summary(
    reviews_database: str,
) -> None:
    engine = create_engine(reviews_database)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade, "0002")
            await connection.execute(
                books.insert().values(
                    id=DOMAIN_DRIVEN_DESIGN_ID, title="Domain Driven Design"
                )
            )
            await connection.run_sync(upgrade)
        async with engine.connect() as connection:
            result = await connection.execute(select(review_summaries))
            assert [dict(row._mapping) for row in result] == [
                {
                    "book_id": DOMAIN_DRIVEN_DESIGN_ID,
                    "title": "Domain Driven Design",
                    "reviews": 0,
                    "rating_total": 0,
                    "latest": [],
                }
            ]
    finally:
        await engine.dispose()
