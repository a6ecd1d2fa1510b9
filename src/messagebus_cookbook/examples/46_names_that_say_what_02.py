"""The composition root: every process of the club builds its objects here."""

from dataclasses import dataclass

from messagebus import AsyncAbstractEventstreamTransport
from messagebus.adapters.prometheus.metrics_store import MetricsStore
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters import orm
from reading_club.adapters.eventstream import CeleryBatchTransport, create_celery_app
from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.service.unit_of_work import AbstractUnitOfWork
from reading_club.settings import Settings
from service_chassis.service import Service
from tracing.bus import TracedMetricsStore


@dataclass(frozen=True)
class ReadingClub(Service[Settings, AbstractUnitOfWork]):
    """The objects a process of the club works with, built once."""

    handlers = "reading_club.service.handlers"
    outbox = orm.outbox

    def unit_of_work(self) -> AbstractUnitOfWork:
        """A new unit of work on the club's database: one per command."""
        # One store per process, in prometheus_client's default registry; a
        # span for each command the bus handles.
        return SQLUnitOfWork(self.engine, TracedMetricsStore(MetricsStore()))


def bootstrap(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    transport: AsyncAbstractEventstreamTransport | None = None,
) -> ReadingClub:
    """Build the club from its settings; pass a piece to use it instead."""
    return ReadingClub.build(
        settings,
        create_celery_app,
        CeleryBatchTransport,
        engine=engine,
        transport=transport,
    )
