"""The composition root: the reviews service's processes build their objects here."""

from dataclasses import dataclass
from datetime import timedelta

from messagebus import AsyncAbstractEventstreamTransport
from messagebus.adapters.prometheus.metrics_store import MetricsStore
from sqlalchemy.ext.asyncio import AsyncEngine

from after_commit.mail import AbstractMailer, SMTPMailer
from reviews.adapters import orm
from reviews.adapters.eventstream import CeleryBatchTransport, create_celery_app
from reviews.adapters.uow import SQLUnitOfWork
from reviews.service.unit_of_work import AbstractUnitOfWork
from reviews.settings import Settings
from service_chassis.service import Service
from tracing.bus import TracedMetricsStore


@dataclass(frozen=True)
class Reviews(Service[Settings, AbstractUnitOfWork]):
    """The objects a process of the reviews service works with, built once."""

    handlers = "reviews.service.handlers"
    outbox = orm.outbox

    def unit_of_work(self) -> AbstractUnitOfWork:
        """A new unit of work on the service's database: one per message."""
        return SQLUnitOfWork(
            self.engine,
            TracedMetricsStore(MetricsStore()),
            mails_per_address=self.settings.mails_per_address,
            mail_period=timedelta(seconds=self.settings.mail_period),
        )

    def mailer(self) -> AbstractMailer:
        """A new mailer, for the mails of one transaction."""
        return SMTPMailer(
            self.settings.smtp_host,
            self.settings.smtp_port,
            self.settings.mail_sender,
            self.settings.smtp_timeout,
        )


def bootstrap(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    transport: AsyncAbstractEventstreamTransport | None = None,
) -> Reviews:
    """Build the service from its settings; pass a piece to use it instead."""
    return Reviews.build(
        settings,
        create_celery_app,
        CeleryBatchTransport,
        engine=engine,
        transport=transport,
    )
