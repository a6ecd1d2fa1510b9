"""A service that is not the reading club: the events its inventory publishes."""

import enum

from messagebus import Event, Metadata


class StockAdjusted(Event):
    """The stock of an item has changed; version 1 called the change ``delta``."""

    sku: str
    change: int
    metadata: Metadata = Metadata(
        name="stock_adjusted", schema_version=2, published=True
    )


class Reason(enum.Enum):
    """Why items were written off."""

    damaged = "damaged"
    lost = "lost"


class StockWrittenOff(Event):
    """Items of the stock are gone, for a reason."""

    sku: str
    quantity: int
    reason: Reason
    metadata: Metadata = Metadata(
        name="stock_written_off", schema_version=1, published=True
    )


class StockCounted(Event):
    """An event the inventory keeps to itself: it has no contract."""

    sku: str
    quantity: int
    metadata: Metadata = Metadata(name="stock_counted", schema_version=1)
