"""A Celery worker of the club's event stream.

Run it with ``python -m reading_club.entrypoints.worker``.

It reads the club's own queue on the stream, which gets every envelope.
"""

from collections.abc import Sequence
from typing import Any

from celery import Celery
from celery.utils.log import get_task_logger

from reading_club.adapters.eventstream import (
    TASK_NAME,
    create_celery_app,
    subscription,
)
from reading_club.entrypoints.cli import argument_parser, read_settings
from service_chassis import worker
from structured_logs.context import bound
from transactional_outbox.table import log_fields
from transactional_outbox.tracing import handling

# By its name: run with python -m, the module is called __main__.
logger = get_task_logger("reading_club.entrypoints.worker")
# The club's own queue on its stream: every envelope.
QUEUE = subscription("reading_club")


def create_worker_app(broker_url: str) -> Celery:
    """The Celery app of the stream, with the task that receives its envelopes."""
    app = create_celery_app(broker_url)
    app.conf.update(
        task_queues=[QUEUE],
        # Acknowledge a task when it ends, not when it arrives; deliver it
        # again if the process that ran it died before.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
    )

    @app.task(name=TASK_NAME, shared=False)
    def eventstream(envelope: dict[str, Any]) -> None:
        with bound(**log_fields(envelope)), handling(envelope, "receive"):
            logger.info("received %s %s", envelope["type"], envelope["id"])

    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reading_club.entrypoints.worker",
        "Receive the envelopes of the event stream, until SIGTERM or SIGINT.",
    )
    worker.add_arguments(parser)
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    app = create_worker_app(settings.broker_url.get_secret_value())
    return worker.run(app, arguments, settings, name="club")


if __name__ == "__main__":
    raise SystemExit(main())
