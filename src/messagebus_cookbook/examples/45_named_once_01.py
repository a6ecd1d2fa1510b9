"""The objects a process of a service works with, built once at its start."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from celery import Celery
from messagebus import (
    AsyncAbstractEventstreamTransport,
    AsyncAbstractUnitOfWork,
    AsyncMessageBus,
)
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine
from typing_extensions import Self

from service_chassis.settings import ServiceSettings
from sql_database.engine import create_engine
from transactional_outbox.relay import OutboxRelay
from transactional_outbox.stream import CeleryBatchTransport

TSettings = TypeVar("TSettings", bound=ServiceSettings)
TUnitOfWork = TypeVar("TUnitOfWork", bound=AsyncAbstractUnitOfWork[Any, Any, Any])
TService = TypeVar("TService", bound="Service[Any, Any]")


@dataclass(frozen=True)
class Service(Generic[TSettings, TUnitOfWork]):
    """A service's settings, database, bus and stream; a subclass adds the rest.

    A subclass names the package of its handlers and its outbox.
    """

    handlers: ClassVar[str]
    outbox: ClassVar[Table]

    settings: TSettings
    engine: AsyncEngine
    bus: AsyncMessageBus[TUnitOfWork]
    transport: AsyncAbstractEventstreamTransport

    @classmethod
    def build(
        cls,
        settings: TSettings,
        create_celery_app: Callable[[str, float], Celery],
        transport_type: Callable[[Celery], AsyncAbstractEventstreamTransport],
        *,
        engine: AsyncEngine | None = None,
        transport: AsyncAbstractEventstreamTransport | None = None,
    ) -> Self:
        """The service on the database and the broker of its settings.

        Its transport is ``transport_type`` on the Celery app of its stream.
        A piece given is used instead: a test's engine, or its stream.
        """
        if engine is None:
            engine = create_engine(settings.database_url.get_secret_value())
        if transport is None:
            app = create_celery_app(
                settings.broker_url.get_secret_value(), settings.relay_send_timeout
            )
            transport = transport_type(app)
        return cls(
            settings=settings, engine=engine, bus=cls.create_bus(), transport=transport
        )

    @classmethod
    def create_bus(cls) -> AsyncMessageBus[TUnitOfWork]:
        """A new bus, with every handler of the service's package of handlers."""
        if not hasattr(cls, "handlers"):
            raise TypeError(f"{cls.__name__} names no handlers, the package to scan")
        bus: AsyncMessageBus[TUnitOfWork] = AsyncMessageBus()
        bus.scan(cls.handlers)
        return bus

    def relay(self) -> OutboxRelay:
        """A relay from the service's outbox to its stream, as its settings say."""
        if not hasattr(self, "outbox"):
            raise TypeError(f"{type(self).__name__} names no outbox, the table to send")
        return OutboxRelay(
            self.engine,
            self.outbox,
            self.transport,
            batch_size=self.settings.relay_batch_size,
            max_attempts=self.settings.relay_max_attempts,
            poll_interval=self.settings.relay_poll_interval,
            send_timeout=self.settings.relay_send_timeout,
        )

    async def ping_broker(self) -> str | None:
        """Connect to the broker of the stream, or raise; a warning, if any."""
        if isinstance(self.transport, CeleryBatchTransport):
            return await self.transport.ping()
        return None

    async def close(self) -> None:
        """Close the connections of the engine and of the broker."""
        await self.engine.dispose()
        if isinstance(self.transport, CeleryBatchTransport):
            self.transport.celery.close()
