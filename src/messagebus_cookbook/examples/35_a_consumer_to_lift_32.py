"""Which errors of the database pass: each one raised for real by the database."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.faults import explain, is_passing
from reviews.adapters.orm import create_engine


async def error_of(engine: AsyncEngine, *statements: str) -> Exception:
    """What the database raises for these statements, run in one connection."""
    with pytest.raises(Exception) as raised:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.exec_driver_sql(statement)
    return raised.value


def raise_sqlstate(code: str) -> str:
    """A statement that fails with this SQLSTATE, as the server fails with it."""
    raised = f"RAISE EXCEPTION 'as the server says' USING ERRCODE = '{code}'"
    return f"DO $$ BEGIN {raised}; END $$"


@pytest.fixture
async def postgresql(postgresql_reviews_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgresql_reviews_database)
    yield engine
    await engine.dispose()


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param(
            ["SET statement_timeout = 10", "SELECT pg_sleep(1)"], id="timeout"
        ),
        pytest.param(
            ["SELECT pg_terminate_backend(pg_backend_pid())"], id="terminated"
        ),
        pytest.param([raise_sqlstate("40P01")], id="deadlock"),
        pytest.param([raise_sqlstate("40001")], id="serialization-failure"),
        pytest.param([raise_sqlstate("53300")], id="too-many-connections"),
        pytest.param([raise_sqlstate("57P03")], id="cannot-connect-now"),
    ],
)
async def test_postgresql_errors_that_pass(
    postgresql: AsyncEngine, statements: list[str]
) -> None:
    assert is_passing(await error_of(postgresql, *statements))


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param(["SELECT 1 / 0"], id="division-by-zero"),
        pytest.param(["SELECT * FROM no_such_table"], id="undefined-table"),
        pytest.param([raise_sqlstate("23505")], id="unique-violation"),
    ],
)
async def test_postgresql_errors_that_last(
    postgresql: AsyncEngine, statements: list[str]
) -> None:
    assert not is_passing(await error_of(postgresql, *statements))


async def test_a_postgresql_that_does_not_listen_is_passing(tmp_path: Path) -> None:
    engine = create_engine(f"postgresql+asyncpg://postgres@/postgres?host={tmp_path}")

    error = await error_of(engine, "SELECT 1")

    assert isinstance(error, OSError)
    assert is_passing(error)


async def test_a_sqlite_database_another_connection_writes_is_passing(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'reviews.db'}"
    writer = create_engine(url)
    # No wait at all for the lock: the error comes at once.
    impatient = create_engine(url, connect_args={"timeout": 0})
    try:
        async with writer.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE books (id INTEGER)")
        async with writer.begin() as connection:
            await connection.exec_driver_sql("INSERT INTO books VALUES (1)")
            error = await error_of(impatient, "INSERT INTO books VALUES (2)")
    finally:
        await impatient.dispose()
        await writer.dispose()

    assert is_passing(error)


async def test_a_sqlite_error_of_the_schema_lasts(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'reviews.db'}")
    try:
        error = await error_of(engine, "SELECT * FROM no_such_table")
    finally:
        await engine.dispose()

    assert not is_passing(error)


def test_other_errors_last() -> None:
    assert not is_passing(ValueError("a bug"))


async def test_the_explanation_names_the_sqlstate(postgresql: AsyncEngine) -> None:
    error = await error_of(postgresql, raise_sqlstate("57P03"))

    assert explain(error) == (
        "CannotConnectNowError (SQLSTATE 57P03): as the server says"
    )
