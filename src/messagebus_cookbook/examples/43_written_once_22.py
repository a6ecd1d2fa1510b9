"""A service's connections: made from its settings, or the ones given."""

from celery import Celery
from messagebus import AsyncAbstractEventstreamTransport
from pydantic import SecretStr
from sqlalchemy import MetaData

from service_chassis.service import connections
from sql_database.engine import create_engine
from tests.service_chassis.inventory import InventorySettings, KeptEnvelopes, bootstrap
from transactional_outbox.table import outbox_table

outbox = outbox_table(MetaData(), "inventory_outbox")


class AppTransport(KeptEnvelopes):
    """A transport that keeps the Celery app it was made on."""

    def __init__(self, app: Celery) -> None:
        super().__init__()
        self.app = app


async def test_the_connections_are_those_of_the_settings() -> None:
    made: list[tuple[str, float]] = []

    def create_celery_app(broker_url: str, send_timeout: float) -> Celery:
        made.append((broker_url, send_timeout))
        return Celery("inventory", broker=broker_url)

    settings = InventorySettings(
        database_url=SecretStr("sqlite+aiosqlite:///stock.db"),
        broker_url=SecretStr("redis://broker.test:6379/0"),
        relay_send_timeout=2.5,
    )

    engine, transport = connections(settings, create_celery_app, AppTransport)
    await engine.dispose()

    assert engine.url.database == "stock.db"
    assert made == [("redis://broker.test:6379/0", 2.5)]
    assert isinstance(transport, AppTransport)
    assert transport.app.main == "inventory"


async def test_the_connections_given_are_used_instead() -> None:
    def no_app(broker_url: str, send_timeout: float) -> Celery:
        raise AssertionError("a transport was given")

    given_engine = create_engine("sqlite+aiosqlite://")
    given_transport: AsyncAbstractEventstreamTransport = KeptEnvelopes()

    engine, transport = connections(
        InventorySettings(),
        no_app,
        AppTransport,
        engine=given_engine,
        transport=given_transport,
    )
    await engine.dispose()

    assert (engine, transport) == (given_engine, given_transport)


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
