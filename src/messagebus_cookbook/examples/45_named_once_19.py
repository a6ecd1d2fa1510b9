"""The inventory's handlers: what its bus finds in their package."""

from typing import Any

from messagebus import AsyncUnitOfWorkTransaction, Command, Metadata, async_listen


class CountStock(Command):
    """Count the items of a SKU on its shelves."""

    sku: str
    items: int
    metadata: Metadata = Metadata(name="count_stock", schema_version=1)


@async_listen  # type: ignore[type-var]
async def count_stock(
    command: CountStock, transaction: AsyncUnitOfWorkTransaction[Any]
) -> int:
    return command.items
