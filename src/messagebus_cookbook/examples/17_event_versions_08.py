"""python -m reviews.worker: the reviews service listens to the club's stream."""

import argparse
import asyncio
import os
from collections.abc import Sequence
from typing import Any

from celery import Celery
from celery.utils.log import get_task_logger
from kombu import Exchange, Queue, binding
from messagebus import AsyncMessageBus
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.pool import NullPool

from reviews.adapters.orm import create_engine
from reviews.adapters.uow import SQLUnitOfWork
from reviews.service.consumer import (
    READ_TYPES,
    Outcome,
    consume,
    keep_as_dead_letter,
    one_line,
)
from reviews.service.unit_of_work import AbstractUnitOfWork
from reviews.settings import Settings

logger = get_task_logger(__name__)

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
# The database is down, or does not answer: the envelope waits, and is tried
# again. Any other error is kept as a dead letter.
PASSING_ERRORS = (OperationalError, InterfaceError, OSError, asyncio.TimeoutError)


def create_bus() -> AsyncMessageBus[AbstractUnitOfWork]:
    """The bus of the reviews service, with every handler of its service layer."""
    bus: AsyncMessageBus[AbstractUnitOfWork] = AsyncMessageBus()
    bus.scan("reviews.service.handlers")
    return bus


def create_worker_app(settings: Settings) -> Celery:
    """The Celery app of the reviews service, with its task of the stream."""
    app = Celery("reviews", broker=settings.broker_url)
    app.conf.update(
        accept_content=["json"],
        task_serializer="json",
        task_queues=[QUEUE],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        broker_connection_timeout=BROKER_TIMEOUT,
        broker_transport_options={
            "socket_connect_timeout": BROKER_TIMEOUT,
            "socket_timeout": BROKER_TIMEOUT,
        },
    )
    # No pool: each task runs in an event loop of its own.
    engine = create_engine(settings.database_url, poolclass=NullPool)
    bus = create_bus()

    def unit_of_work() -> SQLUnitOfWork:
        return SQLUnitOfWork(engine)

    @app.task(
        name=STREAM_TASK,
        shared=False,
        # Try again while the error passes: after 1 s, 2 s, 4 s... 60 s at most.
        autoretry_for=PASSING_ERRORS,
        retry_backoff=1,
        retry_backoff_max=60,
        retry_jitter=False,
        max_retries=None,
        # To the service's own queue: the task's own route is the club's
        # exchange, which would give every service the envelope again.
        retry_kwargs={"queue": QUEUE.name},
    )
    def eventstream(envelope: Any) -> str:
        try:
            outcome = asyncio.run(consume(envelope, bus, unit_of_work))
        except PASSING_ERRORS:
            raise
        except Exception as error:
            # A bug, or data the service cannot take: a retry would fail
            # again, and an acknowledged failure would lose the envelope.
            reason = f"{error.__class__.__name__}: {one_line(error)}"
            outcome = asyncio.run(keep_as_dead_letter(envelope, reason, unit_of_work))
        summary = f"{describe(envelope)}: {outcome.value}"
        if outcome is Outcome.dead_lettered:
            logger.warning(summary)
        else:
            logger.info(summary)
        return outcome.value

    return app


def describe(envelope: Any) -> str:
    """An envelope in a log line: its type and its id, never its payload."""
    if isinstance(envelope, dict):
        return f"{envelope.get('type')} {envelope.get('id')}"
    return f"an envelope of type {type(envelope).__name__}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.worker",
        description="Handle the club's envelopes the reviews service reads, "
        "until SIGTERM or SIGINT. Settings: REVIEWS_DATABASE_URL, "
        "REVIEWS_BROKER_URL.",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="envelopes handled at once, one process each (default: %(default)s)",
    )
    arguments = parser.parse_args(argv)
    if "CELERY_BROKER_URL" in os.environ:
        # Celery would prefer it to REVIEWS_BROKER_URL, without a word.
        parser.error("CELERY_BROKER_URL is set: unset it, use REVIEWS_BROKER_URL")
    try:
        settings = Settings()
    except ValidationError as error:
        parser.error(str(error))
    app = create_worker_app(settings)
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
