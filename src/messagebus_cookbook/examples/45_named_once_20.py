"""An inventory service on the chassis: its settings, its objects, three routes."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from messagebus import AsyncAbstractEventstreamTransport
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from sqlalchemy import MetaData
from sqlalchemy.pool import StaticPool

from http_edges.auth import require
from http_edges.idempotency import created_responses
from service_chassis.service import Service
from service_chassis.settings import ServiceSettings
from service_chassis.web import service_of
from sql_database.engine import create_engine
from transactional_outbox.table import outbox_table

metadata = MetaData()


class InventorySettings(ServiceSettings):
    """What the inventory reads from ``INVENTORY_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="INVENTORY_", frozen=True)

    database_url: SecretStr = Field(
        default=SecretStr("sqlite+aiosqlite://"),
        description="the database of the inventory",
    )
    low_stock: int = Field(
        default=5, ge=0, description="items left when a SKU is low on stock"
    )


class KeptEnvelopes(AsyncAbstractEventstreamTransport):
    """A stream that keeps what it is sent."""

    def __init__(self) -> None:
        self.sent: list[Mapping[str, Any]] = []

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        self.sent.append(message)


@dataclass(frozen=True)
class Inventory(Service[InventorySettings, Any]):
    """The inventory's objects; it notes each time it is closed."""

    handlers = "tests.service_chassis.handlers"
    outbox = outbox_table(metadata, "inventory_outbox")

    closes: list[str] = field(default_factory=list)

    async def close(self) -> None:
        await super().close()
        self.closes.append("closed")


def bootstrap(settings: InventorySettings) -> Inventory:
    """The inventory, on an in-memory database unless its settings say otherwise."""
    engine = create_engine(
        settings.database_url.get_secret_value(), poolclass=StaticPool
    )
    return Inventory(settings, engine, Inventory.create_bus(), KeptEnvelopes())


router = APIRouter()


@router.post(
    "/skus/{sku}/counts", status_code=201, responses=created_responses("count")
)
async def count(sku: str, items: list[int]) -> dict[str, int]:
    """The items counted on each shelf of a SKU, added up."""
    return {sku: sum(items)}


@router.post("/skus/{sku}/write-offs", dependencies=[require("stock:write")])
async def write_off(sku: str, items: int) -> dict[str, int]:
    """Items of a SKU written off, for a key with the right to."""
    return {sku: -items}


@router.get("/low-stock")
async def low_stock(
    inventory: Annotated[Inventory, Depends(service_of(Inventory))],
) -> dict[str, int]:
    """The items left when a SKU is low on stock, as the inventory is set."""
    return {"low_stock": inventory.settings.low_stock}
