"""python -m reviews.worker: the reviews service listens to the club's stream."""

import argparse
import socket
from collections.abc import Sequence
from typing import Any

from celery import Celery, Task
from kombu import Exchange, Queue, binding
from messagebus.adapters.prometheus.metrics_store import MetricsStore

from idempotent_consumer.celery import close_on_shutdown, create_consumer_app, handle
from idempotent_consumer.event_loop import ProcessEventLoop
from process_metrics.serving import add_arguments as add_metrics_arguments
from process_metrics.serving import served as served_metrics
from reviews.adapters.orm import create_engine
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import create_bus
from reviews.cli import read_settings
from reviews.service.consumer import READ_TYPES, create_consumer
from reviews.settings import Settings
from structured_logs.celery import log_as
from structured_logs.context import bound
from tracing.bus import TracedMetricsStore
from tracing.celery import flush_when_stopping
from tracing.provider import configure as configure_tracing
from transactional_outbox.stream import ping_worker
from transactional_outbox.table import log_fields
from transactional_outbox.tracing import handling

# What the club publishes, and the service relies on: its task's name and
# its exchange. The service repeats them rather than import the club.
STREAM_TASK = "reading_club.eventstream"
STREAM_EXCHANGE = Exchange("reading_club.events", type="topic")
# The service's own queue: it gets every envelope of the types it reads,
# the older versions it upcasts included.
QUEUE = Queue(
    "reviews",
    bindings=[binding(STREAM_EXCHANGE, routing_key=type) for type in READ_TYPES],
)


def create_worker_app(settings: Settings) -> Celery:
    """The Celery app of the reviews service, with its task of the stream."""
    app = create_consumer_app("reviews", settings.broker_url.get_secret_value(), QUEUE)
    # Each process of the worker handles one envelope at a time, on one
    # connection kept open from one envelope to the next, and checked first.
    engine = create_engine(
        settings.database_url.get_secret_value(),
        pool_size=1,
        max_overflow=0,
        pool_pre_ping=True,
    )
    consumer = create_consumer(
        create_bus(),
        lambda: SQLUnitOfWork(engine, TracedMetricsStore(MetricsStore())),
    )
    event_loop = ProcessEventLoop()
    event_loop.on_close(engine.dispose)
    close_on_shutdown(app, event_loop)

    @app.task(name=STREAM_TASK, shared=False, bind=True, max_retries=None)
    def eventstream(task: Task[Any, str], envelope: Any) -> str:
        # Each line about the envelope, and each envelope its handling
        # writes, carries the ids the envelope came with; the handling is a
        # span of the trace the envelope carries.
        with bound(**log_fields(envelope)), handling(envelope):
            return handle(task, envelope, consumer, event_loop, QUEUE)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.worker",
        description="Handle the club's envelopes the reviews service reads, "
        "until SIGTERM or SIGINT. Settings: REVIEWS_DATABASE_URL, "
        "REVIEWS_BROKER_URL, REVIEWS_LOG_FORMAT, REVIEWS_OTLP_ENDPOINT.",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="envelopes handled at once, one process each (default: %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check that this host's worker answers through the broker, "
        "then exit: 0 when it does, 1 otherwise",
    )
    add_metrics_arguments(
        parser, "the metrics of its pool, with PROMETHEUS_MULTIPROC_DIR set,"
    )
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    app = create_worker_app(settings)
    if arguments.check:
        return 0 if ping_worker(app, f"reviews@{socket.gethostname()}") else 1
    log_as(settings.log_format)
    configure_tracing("reviews-worker", settings.otlp_endpoint)
    flush_when_stopping()
    # Served before the pool starts: its processes count, this one serves.
    with served_metrics(arguments.metrics_port, arguments.metrics_host, pool=True):
        status: int | None = app.start(
            [
                "worker",
                "--loglevel=INFO",
                f"--concurrency={arguments.concurrency}",
                "--without-mingle",
                "--without-gossip",
                "--hostname=reviews@%h",
            ]
        )
    return status or 0


if __name__ == "__main__":
    raise SystemExit(main())
