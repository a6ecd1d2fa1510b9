"""Declare the club's exchange and queue.

Run it with ``python -m reading_club.entrypoints.topology``.
"""

from collections.abc import Sequence

from reading_club.adapters.eventstream import EXCHANGE, create_celery_app
from reading_club.entrypoints.cli import argument_parser, read_settings
from reading_club.entrypoints.worker import QUEUE
from transactional_outbox.stream import declare_topology


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reading_club.entrypoints.topology",
        "Declare the club's exchange and its worker's queue on the broker, "
        "durable, before the relay and the workers start. Safe to run again.",
    )
    parser.parse_args(argv)
    app = create_celery_app(read_settings(parser).broker_url.get_secret_value())
    return declare_topology(parser, app, [EXCHANGE, QUEUE])


if __name__ == "__main__":
    raise SystemExit(main())
