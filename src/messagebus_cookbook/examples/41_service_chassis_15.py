"""The objects a process of a service works with, built once at its start."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from messagebus import (
    AsyncAbstractEventstreamTransport,
    AsyncAbstractUnitOfWork,
    AsyncMessageBus,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from service_chassis.settings import ServiceSettings
from transactional_outbox.stream import CeleryBatchTransport

TSettings = TypeVar("TSettings", bound=ServiceSettings)
TUnitOfWork = TypeVar("TUnitOfWork", bound=AsyncAbstractUnitOfWork[Any, Any, Any])


@dataclass(frozen=True)
class Service(Generic[TSettings, TUnitOfWork]):
    """A service's settings, database, bus and stream; a subclass adds the rest."""

    settings: TSettings
    engine: AsyncEngine
    bus: AsyncMessageBus[TUnitOfWork]
    transport: AsyncAbstractEventstreamTransport

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
