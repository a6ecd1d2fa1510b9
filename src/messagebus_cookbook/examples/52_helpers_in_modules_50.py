"""Changes to the inventory's events that their contracts refuse."""

from messagebus import Event, Metadata


class StockAdjustedRenamed(Event):
    """StockAdjusted, its version unchanged, with a field renamed."""

    sku: str
    delta: int
    metadata: Metadata = Metadata(
        name="stock_adjusted", schema_version=2, published=True
    )
