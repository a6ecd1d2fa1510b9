"""python -m reviews.relay: send the outbox of the reviews service to its stream."""

from collections.abc import Sequence

from reviews.adapters.eventstream import SEND_TIMEOUT
from reviews.bootstrap import bootstrap
from reviews.cli import argument_parser, read_settings
from structured_logs.formatting import configure
from tracing.provider import configure as configure_tracing
from transactional_outbox import process


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reviews.relay",
        "Send the events that wait in the outbox of the reviews service to its\n"
        "stream, until SIGTERM or SIGINT.",
    )
    process.add_arguments(parser)
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    reviews = bootstrap(settings)
    if arguments.check:
        return process.check_reach(reviews, SEND_TIMEOUT)
    configure(settings.log_format)
    configure_tracing("reviews-relay", settings.otlp_endpoint)
    return process.run(reviews, arguments)


if __name__ == "__main__":
    raise SystemExit(main())
