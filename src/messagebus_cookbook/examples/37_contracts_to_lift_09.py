"""A service that is not the reading club: the events its inventory publishes."""

import enum

from messagebus import Event, Metadata


class Reason(enum.Enum):
    """Why the stock of an item changed."""

    delivery = "delivery"
    sale = "sale"


class StockAdjusted(Event):
    """The stock of an item has changed, and the other services are told."""

    sku: str
    change: int
    reason: Reason
    metadata: Metadata = Metadata(
        name="stock_adjusted", schema_version=2, published=True
    )


class StockCounted(Event):
    """An event the inventory keeps to itself: it has no contract."""

    sku: str
    quantity: int
    metadata: Metadata = Metadata(name="stock_counted", schema_version=1)
