"""python -m reading_club.relay: send the outbox to the event stream."""

from collections.abc import Sequence

from reading_club.bootstrap import bootstrap
from reading_club.cli import argument_parser, read_settings
from structured_logs.formatting import configure
from tracing.provider import configure as configure_tracing
from transactional_outbox import process


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reading_club.relay",
        "Send the events that wait in the outbox to the event stream,\n"
        "until SIGTERM or SIGINT.",
    )
    process.add_arguments(parser)
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    club = bootstrap(settings)
    if arguments.check:
        return process.check_reach(club, settings.relay_send_timeout)
    configure(settings.log_format)
    configure_tracing("club-relay", settings.otlp_endpoint)
    return process.run(club, arguments)


if __name__ == "__main__":
    raise SystemExit(main())
