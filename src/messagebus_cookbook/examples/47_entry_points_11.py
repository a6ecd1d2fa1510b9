"""Declare the service's queue and its exchange.

Run it with ``python -m reviews.entrypoints.topology``.
"""

from collections.abc import Sequence

from reviews.adapters.eventstream import EXCHANGE, create_celery_app
from reviews.entrypoints.cli import argument_parser, read_settings
from reviews.entrypoints.worker import QUEUE
from transactional_outbox.stream import declare_topology


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reviews.entrypoints.topology",
        "Declare on the broker, durable, the service's queue bound to the club's\n"
        "stream, and the exchange of the service's own stream, before the relays\n"
        "and the workers start. Safe to run again.",
    )
    parser.parse_args(argv)
    app = create_celery_app(read_settings(parser).broker_url.get_secret_value())
    return declare_topology(parser, app, [QUEUE, EXCHANGE])


if __name__ == "__main__":
    raise SystemExit(main())
