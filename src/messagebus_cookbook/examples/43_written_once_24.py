"""A service's objects: built from its settings, or from the pieces given."""

from messagebus import AsyncAbstractEventstreamTransport, AsyncMessageBus
from pydantic import SecretStr
from sqlalchemy import MetaData

from sql_database.engine import create_engine
from tests.service_chassis.inventory import (
    Inventory,
    InventorySettings,
    KeptEnvelopes,
    bootstrap,
)
from transactional_outbox.table import outbox_table

outbox = outbox_table(MetaData(), "inventory_outbox")


async def test_a_service_is_built_on_the_database_and_broker_of_its_settings() -> None:
    made: list[tuple[str, float]] = []

    def create_transport(
        broker_url: str, send_timeout: float
    ) -> AsyncAbstractEventstreamTransport:
        made.append((broker_url, send_timeout))
        return KeptEnvelopes()

    settings = InventorySettings(
        database_url=SecretStr("sqlite+aiosqlite:///stock.db"),
        broker_url=SecretStr("redis://broker.test:6379/0"),
        relay_send_timeout=2.5,
    )
    inventory = Inventory.build(settings, AsyncMessageBus(), create_transport)
    await inventory.close()

    assert inventory.settings is settings
    assert inventory.engine.url.database == "stock.db"
    assert made == [("redis://broker.test:6379/0", 2.5)]


async def test_the_pieces_given_are_used_instead_of_the_settings_ones() -> None:
    def create_transport(
        broker_url: str, send_timeout: float
    ) -> AsyncAbstractEventstreamTransport:
        raise AssertionError("a transport was given")

    engine = create_engine("sqlite+aiosqlite://")
    transport = KeptEnvelopes()
    inventory = Inventory.build(
        InventorySettings(),
        AsyncMessageBus(),
        create_transport,
        engine=engine,
        transport=transport,
    )
    await inventory.close()

    assert (inventory.engine, inventory.transport) == (engine, transport)


async def test_the_relay_sends_as_the_settings_say() -> None:
    settings = InventorySettings(
        relay_batch_size=7,
        relay_max_attempts=3,
        relay_poll_interval=0.5,
        relay_send_timeout=2.5,
    )
    inventory = bootstrap(settings)
    relay = inventory.relay_from(outbox)
    await inventory.close()

    assert relay.outbox is outbox
    assert (relay.batch_size, relay.max_attempts) == (7, 3)
    assert (relay.poll_interval, relay.send_timeout) == (0.5, 2.5)
