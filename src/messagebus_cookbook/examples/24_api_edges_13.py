"""What PostgreSQL says decides whether the API answers 503, or 500."""

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from http_edges.errors import is_unavailable


def raise_sqlstate(code: str) -> str:
    """A statement that fails as PostgreSQL does, with SQLSTATE ``code``."""
    return (
        "DO $$ BEGIN RAISE EXCEPTION 'as PostgreSQL would' "
        f"USING ERRCODE = '{code}'; END $$"
    )


@pytest.mark.parametrize(
    ("statements", "unavailable"),
    [
        pytest.param(
            ["SET statement_timeout = 10", "SELECT pg_sleep(1)"],
            True,
            id="statement timeout",
        ),
        pytest.param([raise_sqlstate("57P01")], True, id="server shutting down"),
        pytest.param([raise_sqlstate("57P03")], True, id="server starting"),
        pytest.param([raise_sqlstate("53300")], True, id="too many connections"),
        pytest.param([raise_sqlstate("40P01")], True, id="deadlock"),
        pytest.param(["SELECT 1 / 0"], False, id="division by zero"),
        pytest.param([raise_sqlstate("23505")], False, id="unique violation"),
    ],
)
async def test_what_the_database_says_decides(
    postgresql_engine: AsyncEngine, statements: list[str], unavailable: bool
) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with postgresql_engine.connect() as connection:
            for statement in statements:
                await connection.exec_driver_sql(statement)

    assert is_unavailable(raised.value) is unavailable
