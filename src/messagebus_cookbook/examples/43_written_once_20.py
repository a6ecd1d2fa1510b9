"""The composition root: every process of the club builds its objects here."""

from dataclasses import dataclass

from messagebus import AsyncAbstractEventstreamTransport, AsyncMessageBus
from messagebus.adapters.prometheus.metrics_store import MetricsStore
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.eventstream import CeleryBatchTransport, create_celery_app
from reading_club.adapters.uow_sqla.orm import outbox
from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from reading_club.service.unit_of_work import AbstractUnitOfWork
from reading_club.settings import Settings
from service_chassis.service import Service, connections
from tracing.bus import TracedMetricsStore
from transactional_outbox.relay import OutboxRelay


@dataclass(frozen=True)
class ReadingClub(Service[Settings, AbstractUnitOfWork]):
    """The objects a process of the club works with, built once."""

    def unit_of_work(self) -> AbstractUnitOfWork:
        """A new unit of work on the club's database: one per command."""
        # One store per process, in prometheus_client's default registry; a
        # span for each command the bus handles.
        return SQLUnitOfWork(self.engine, TracedMetricsStore(MetricsStore()))

    def relay(self) -> OutboxRelay:
        """A relay from the club's outbox to its event stream."""
        return self.relay_from(outbox)


def create_bus() -> AsyncMessageBus[AbstractUnitOfWork]:
    """The message bus, with every handler of the service layer."""
    bus: AsyncMessageBus[AbstractUnitOfWork] = AsyncMessageBus()
    bus.scan("reading_club.service.handlers")
    return bus


def bootstrap(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    transport: AsyncAbstractEventstreamTransport | None = None,
) -> ReadingClub:
    """Build the club from its settings; pass a piece to use it instead."""
    engine, transport = connections(
        settings,
        create_celery_app,
        CeleryBatchTransport,
        engine=engine,
        transport=transport,
    )
    return ReadingClub(
        settings=settings, engine=engine, bus=create_bus(), transport=transport
    )
