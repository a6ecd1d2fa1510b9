"""A Celery worker that logs as the other processes do."""

import logging

from celery.signals import setup_logging

from structured_logs.formatting import LogFormat, configure

# Celery's own lines about each task, without its fields: the task's own
# line says what became of it, with them.
QUIETED = ("celery.app.trace", "celery.worker.strategy")


def log_as(log_format: LogFormat) -> None:
    """Have the worker, once it starts, configure its logs this way, not Celery's."""

    def configure_worker(loglevel: int | str | None = None, **_: object) -> None:
        configure(log_format, loglevel or logging.INFO)
        for name in QUIETED:
            logging.getLogger(name).setLevel(logging.WARNING)

    # Held strongly: nothing else keeps the function.
    setup_logging.connect(configure_worker, weak=False)
