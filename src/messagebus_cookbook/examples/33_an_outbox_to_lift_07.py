"""A service that is not the reading club: its stock, to try the outbox on."""

from messagebus import Event, Metadata
from sqlalchemy import MetaData

from transactional_outbox.table import StreamKeys, outbox_table


class StockAdjusted(Event):
    """The stock of an item has changed: its key is the item's SKU."""

    sku: str
    change: int
    metadata: Metadata = Metadata(
        name="stock_adjusted", schema_version=1, published=True
    )


class ItemDiscontinued(Event):
    """An event that the inventory forgot to give a key."""

    sku: str
    metadata: Metadata = Metadata(
        name="item_discontinued", schema_version=1, published=True
    )


class StockCounted(Event):
    """An event the inventory keeps to itself: it is never published."""

    sku: str
    quantity: int
    metadata: Metadata = Metadata(name="stock_counted", schema_version=1)


metadata = MetaData()
outbox = outbox_table(metadata, "inventory_outbox")
stream_keys = StreamKeys({StockAdjusted: "sku"})
