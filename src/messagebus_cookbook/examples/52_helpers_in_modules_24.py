"""The reviews service's tables, read by its tests."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.orm import books, dead_letters, inbox


async def rows(
    engine: AsyncEngine, tables: Sequence[Table] = (books, inbox, dead_letters)
) -> dict[str, list[dict[str, Any]]]:
    """Every row of these tables of the service, by table."""
    found = {}
    async with engine.connect() as connection:
        for table in tables:
            result = await connection.execute(select(table))
            found[table.name] = [dict(row._mapping) for row in result]
    return found
