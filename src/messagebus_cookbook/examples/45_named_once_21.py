"""A service: built from its settings or the pieces given, its bus, its relay."""

from dataclasses import dataclass
from typing import Any

import pytest
from celery import Celery
from messagebus import AsyncAbstractEventstreamTransport, AsyncMessageBus
from pydantic import SecretStr

from service_chassis.service import Service
from sql_database.engine import create_engine
from tests.service_chassis.handlers import CountStock
from tests.service_chassis.inventory import (
    Inventory,
    InventorySettings,
    KeptEnvelopes,
    bootstrap,
)


class AppTransport(KeptEnvelopes):
    """A transport that keeps the Celery app it was made on."""

    def __init__(self, app: Celery) -> None:
        super().__init__()
        self.app = app


async def test_the_service_is_built_on_the_connections_of_its_settings() -> None:
    made: list[tuple[str, float]] = []

    def create_celery_app(broker_url: str, send_timeout: float) -> Celery:
        made.append((broker_url, send_timeout))
        return Celery("inventory", broker=broker_url)

    settings = InventorySettings(
        database_url=SecretStr("sqlite+aiosqlite:///stock.db"),
        broker_url=SecretStr("redis://broker.test:6379/0"),
        relay_send_timeout=2.5,
    )

    inventory = Inventory.build(settings, create_celery_app, AppTransport)
    await inventory.engine.dispose()

    assert isinstance(inventory, Inventory)
    assert inventory.settings is settings
    assert list(inventory.bus.commands_registry) == [CountStock]
    assert inventory.engine.url.database == "stock.db"
    assert made == [("redis://broker.test:6379/0", 2.5)]
    assert isinstance(inventory.transport, AppTransport)
    assert inventory.transport.app.main == "inventory"


async def test_the_pieces_given_are_used_instead() -> None:
    def no_app(broker_url: str, send_timeout: float) -> Celery:
        raise AssertionError("a transport was given")

    given_engine = create_engine("sqlite+aiosqlite://")
    given_transport: AsyncAbstractEventstreamTransport = KeptEnvelopes()

    inventory = Inventory.build(
        InventorySettings(),
        no_app,
        AppTransport,
        engine=given_engine,
        transport=given_transport,
    )
    await inventory.engine.dispose()

    assert inventory.engine is given_engine
    assert inventory.transport is given_transport


def test_the_bus_has_every_handler_of_its_package() -> None:
    bus = Inventory.create_bus()

    assert list(bus.commands_registry) == [CountStock]


async def test_the_relay_sends_as_the_settings_say() -> None:
    settings = InventorySettings(
        relay_batch_size=7,
        relay_max_attempts=3,
        relay_poll_interval=0.5,
        relay_send_timeout=2.5,
    )
    inventory = bootstrap(settings)
    relay = inventory.relay()
    await inventory.close()

    assert relay.outbox is Inventory.outbox
    assert relay.outbox.name == "inventory_outbox"
    assert (relay.batch_size, relay.max_attempts) == (7, 3)
    assert (relay.poll_interval, relay.send_timeout) == (0.5, 2.5)


async def test_a_service_that_names_no_handlers_or_outbox_is_told_so() -> None:
    @dataclass(frozen=True)
    class Warehouse(Service[InventorySettings, Any]):
        pass

    warehouse = Warehouse(
        InventorySettings(),
        create_engine("sqlite+aiosqlite://"),
        AsyncMessageBus(),
        KeptEnvelopes(),
    )
    await warehouse.close()

    with pytest.raises(TypeError, match="Warehouse names no handlers"):
        Warehouse.create_bus()
    with pytest.raises(TypeError, match="Warehouse names no outbox"):
        warehouse.relay()
