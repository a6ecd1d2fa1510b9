"""A read model's table, emptied and filled again in one transaction."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncConnection


async def empty_for_rebuild(connection: AsyncConnection, table: Table) -> None:
    """Hold off the writers of ``table``, then empty it: a rebuild's first step.

    Call it first in the rebuild's transaction. On PostgreSQL, the writers
    that hold rows of the table are waited for, and new ones wait until the
    rebuild's transaction ends; queries, plain SELECTs, still read the
    former rows meanwhile. SQLite has one writer at a time: the DELETE, a
    write, takes it, and the other writers of the database wait up to
    their busy timeout, or fail at once with "database is locked" if their
    transaction has read first. Other databases are refused.
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        name = connection.dialect.identifier_preparer.format_table(table)
        await connection.exec_driver_sql(f"LOCK TABLE {name} IN EXCLUSIVE MODE")
    elif dialect != "sqlite":
        raise NotImplementedError(
            f"{dialect}: no rebuild of a read model without a lock of its table"
        )
    await connection.execute(delete(table))


async def fill(
    connection: AsyncConnection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Write the rows of the rebuilt read model, in the rebuild's transaction."""
    if rows:
        await connection.execute(table.insert(), rows)
