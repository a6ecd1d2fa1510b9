"""An envelope of the warehouse's stream, and the rows the tests read."""

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

# Ten more of an item, as the warehouse's stream sends it: version 2.
TEN_MORE = {
    "id": "0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e10",
    "created_at": "2026-12-01T09:00:00+00:00",
    "type": "stock_adjusted_v2",
    "payload": '{"sku":"CHAIR-OAK","change":10}',
}


async def rows(engine: AsyncEngine, table: Table) -> list[dict[str, Any]]:
    async with engine.connect() as connection:
        result = await connection.execute(select(table))
        return [dict(row._mapping) for row in result]
