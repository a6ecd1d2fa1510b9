"""python -m reviews.worker: the reviews service listens to the club's stream."""

import argparse
import socket
from collections.abc import Sequence
from typing import Any, NoReturn

from celery import Celery, Task
from celery.exceptions import Reject
from celery.signals import worker_process_shutdown, worker_shutdown
from celery.utils.log import get_task_logger
from kombu import Exchange, Queue, binding
from messagebus.adapters.prometheus.metrics_store import MetricsStore

from process_metrics.serving import add_arguments as add_metrics_arguments
from process_metrics.serving import served as served_metrics
from reviews.adapters.event_loop import ProcessEventLoop
from reviews.adapters.faults import explain, is_passing
from reviews.adapters.metrics import count, count_retry
from reviews.adapters.orm import create_engine
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import create_bus
from reviews.cli import read_settings
from reviews.service.consumer import (
    READ_TYPES,
    Outcome,
    consume,
    describe,
    keep_as_dead_letter,
    one_line,
)
from reviews.settings import Settings
from structured_logs.celery import log_as
from structured_logs.context import bound
from tracing.bus import TracedMetricsStore
from tracing.celery import flush_when_stopping
from tracing.provider import configure as configure_tracing
from transactional_outbox.stream import ping_worker
from transactional_outbox.table import log_fields
from transactional_outbox.tracing import handling

# By its name: run with python -m, the module is called __main__.
logger = get_task_logger("reviews.worker")

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
# Seconds a connection to the broker may take.
BROKER_TIMEOUT = 5.0
# Envelopes the worker holds unacknowledged for each process of its pool,
# those in hand included: Celery's default, written down. Acknowledged
# late, they go back to the queue if the worker dies; until then, the
# other workers of the queue cannot take them.
PREFETCH = 4
# Seconds before an envelope that met a passing fault is tried again: 1, 2,
# 4... and 60 at most, for as long as the fault lasts.
RETRY_DELAY_MAX = 60


def create_worker_app(settings: Settings) -> Celery:
    """The Celery app of the reviews service, with its task of the stream."""
    app = Celery("reviews", broker=settings.broker_url.get_secret_value())
    app.conf.update(
        accept_content=["json"],
        task_serializer="json",
        task_queues=[QUEUE],
        task_acks_late=True,
        worker_prefetch_multiplier=PREFETCH,
        task_reject_on_worker_lost=True,
        broker_connection_timeout=BROKER_TIMEOUT,
        broker_transport_options={
            # A retry's copy is sent, and confirmed by an AMQP broker, before
            # the envelope is acknowledged: never one less.
            "confirm_publish": True,
            "socket_connect_timeout": BROKER_TIMEOUT,
            "socket_timeout": BROKER_TIMEOUT,
        },
    )
    # Each process of the worker handles one envelope at a time, on one
    # connection kept open from one envelope to the next, and checked first.
    engine = create_engine(
        settings.database_url.get_secret_value(),
        pool_size=1,
        max_overflow=0,
        pool_pre_ping=True,
    )
    bus = create_bus()
    event_loop = ProcessEventLoop()
    event_loop.on_close(engine.dispose)
    close_on_shutdown(app, event_loop)

    def unit_of_work() -> SQLUnitOfWork:
        return SQLUnitOfWork(engine, TracedMetricsStore(MetricsStore()))

    def handle(task: Task[Any, str], envelope: Any) -> str:
        try:
            outcome = event_loop.run(consume(envelope, bus, unit_of_work))
        except Exception as error:
            if is_passing(error):
                try_again_later(task, envelope, error)
            # A bug, or data the service cannot take: a retry would fail
            # again, and an acknowledged failure would lose the envelope.
            reason = f"{error.__class__.__name__}: {one_line(error)}"
            try:
                outcome = event_loop.run(
                    keep_as_dead_letter(envelope, reason, unit_of_work)
                )
            except Exception as failure:
                # Not kept: acknowledged now, the envelope would be lost.
                try_again_later(task, envelope, failure)
        count(envelope, outcome)
        summary = f"{describe(envelope)}: {outcome.value}"
        if outcome is Outcome.dead_lettered:
            logger.warning(summary)
        else:
            logger.info(summary)
        return outcome.value

    @app.task(name=STREAM_TASK, shared=False, bind=True, max_retries=None)
    def eventstream(task: Task[Any, str], envelope: Any) -> str:
        # Each line about the envelope, and each envelope its handling
        # writes, carries the ids the envelope came with; the handling is a
        # span of the trace the envelope carries.
        with bound(**log_fields(envelope)), handling(envelope):
            return handle(task, envelope)

    return app


def close_on_shutdown(app: Celery, event_loop: ProcessEventLoop) -> None:
    """Close the loop and its connections when the worker, or a pool process, stops."""

    def close() -> None:
        event_loop.close()
        worker_process_shutdown.disconnect(close_in_pool)
        worker_shutdown.disconnect(close_in_worker)

    def close_in_pool(**_: object) -> None:
        close()

    def close_in_worker(sender: Any, **_: object) -> None:
        # Every worker of this process hears it: only this app's closes.
        if sender.app is app:
            close()

    # Held strongly until the loop closes: nothing else keeps them.
    worker_process_shutdown.connect(close_in_pool, weak=False)
    worker_shutdown.connect(close_in_worker, weak=False)


def try_again_later(task: Task[Any, str], envelope: Any, error: Exception) -> NoReturn:
    """Put the envelope back on the service's queue, to be tried after a wait.

    The copy is sent before the envelope is acknowledged. If the broker
    does not take it, the envelope is handed back to the broker instead.
    """
    delay = min(2**task.request.retries, RETRY_DELAY_MAX)
    count_retry()
    logger.warning(
        "%s: tried again in %d s: %s", describe(envelope), delay, explain(error)
    )
    try:
        # To the service's own queue: the task's own route is the club's
        # exchange, which would give every service the envelope again.
        raise task.retry(exc=error, countdown=delay, queue=QUEUE.name)
    except Reject as not_sent:
        # Celery rejects the envelope when the broker did not take the copy,
        # and the broker drops what is rejected: have it requeued instead.
        raise Reject(not_sent, requeue=True) from error


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
    add_metrics_arguments(parser, "the worker's metrics")
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    app = create_worker_app(settings)
    if arguments.check:
        return 0 if ping_worker(app, f"reviews@{socket.gethostname()}") else 1
    log_as(settings.log_format)
    configure_tracing("reviews-worker", settings.otlp_endpoint)
    flush_when_stopping()
    # A thread of its own, beside the worker.
    with served_metrics(arguments.metrics_port, arguments.metrics_host):
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
