"""The reviews service listens to the club's stream.

Run it with ``python -m reviews.entrypoints.worker``.
"""

from collections.abc import Sequence
from typing import Any

from celery import Celery, Task
from kombu import Exchange, Queue, binding
from messagebus.adapters.prometheus.metrics_store import MetricsStore

from idempotent_consumer.celery import close_on_shutdown, create_consumer_app, handle
from idempotent_consumer.event_loop import ProcessEventLoop
from idempotent_consumer.metrics import ConsumerMetrics
from process_metrics.serving import add_arguments as add_metrics_arguments
from process_metrics.serving import served as served_metrics
from reviews.adapters.orm import create_engine
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import Reviews
from reviews.entrypoints.cli import argument_parser, read_settings
from reviews.service.consumer import READ_TYPES, create_consumer
from reviews.settings import Settings
from service_chassis import worker
from structured_logs.context import bound
from tracing.bus import TracedMetricsStore
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
# What the worker's processes count: made once, when the module is
# imported, whatever the apps it creates.
METRICS = ConsumerMetrics()


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
        Reviews.create_bus(),
        lambda: SQLUnitOfWork(engine, TracedMetricsStore(MetricsStore())),
    )
    event_loop = ProcessEventLoop()
    event_loop.on_close(engine.dispose)
    close_on_shutdown(app, event_loop)
    # Started before the pool forks: its metrics server, which adds up the
    # files of every process, shows each series at 0.
    METRICS.start(QUEUE.name)

    @app.task(name=STREAM_TASK, shared=False, bind=True, max_retries=None)
    def eventstream(task: Task[Any, str], envelope: Any) -> str:
        # Each line about the envelope, and each envelope its handling
        # writes, carries the ids the envelope came with; the handling is a
        # span of the trace the envelope carries.
        with bound(**log_fields(envelope)), handling(envelope):
            return handle(task, envelope, consumer, event_loop, QUEUE, METRICS)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reviews.entrypoints.worker",
        "Handle the club's envelopes the reviews service reads, "
        "until SIGTERM or SIGINT.",
    )
    worker.add_arguments(parser)
    add_metrics_arguments(
        parser, "the metrics of its pool, with PROMETHEUS_MULTIPROC_DIR set,"
    )
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    app = create_worker_app(settings)
    # Served before the pool starts: its processes count, this one serves.
    metrics = served_metrics(arguments.metrics_port, arguments.metrics_host, pool=True)
    return worker.run(app, arguments, settings, name="reviews", around=metrics)


if __name__ == "__main__":
    raise SystemExit(main())
