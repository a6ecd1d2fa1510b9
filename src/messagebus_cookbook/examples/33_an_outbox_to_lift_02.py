"""A service that is not the reading club: its stock, to try the outbox on."""

from messagebus import Event, Metadata
from sqlalchemy import MetaData

from transactional_outbox.table import outbox_table


class StockAdjusted(Event):
    """The stock of an item has changed: its key is the item's SKU."""

    sku: str
    change: int
    metadata: Metadata = Metadata(
        name="stock_adjusted", schema_version=1, published=True
    )


metadata = MetaData()
outbox = outbox_table(metadata)
