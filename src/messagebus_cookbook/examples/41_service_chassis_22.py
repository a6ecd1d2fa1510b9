"""A Celery worker of a service: its arguments, its check, its start."""

import argparse
import socket
from contextlib import AbstractContextManager, nullcontext

from celery import Celery

from service_chassis.settings import ServiceSettings
from structured_logs.celery import log_as
from tracing.celery import flush_when_stopping
from tracing.provider import configure as configure_tracing
from transactional_outbox.stream import ping_worker


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The worker's processes, and its check."""
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


def run(
    app: Celery,
    arguments: argparse.Namespace,
    settings: ServiceSettings,
    *,
    name: str,
    around: AbstractContextManager[object] | None = None,
) -> int:
    """Check the worker named ``name`` on this host, or run it until a signal.

    ``around`` is entered before the pool starts and left after it stops.
    """
    if arguments.check:
        return 0 if ping_worker(app, f"{name}@{socket.gethostname()}") else 1
    log_as(settings.log_format)
    configure_tracing(f"{name}-worker", settings.otlp_endpoint)
    flush_when_stopping()
    with around or nullcontext():
        status: int | None = app.start(
            [
                "worker",
                "--loglevel=INFO",
                f"--concurrency={arguments.concurrency}",
                "--without-mingle",
                "--without-gossip",
                f"--hostname={name}@%h",
            ]
        )
    return status or 0
