"""python -m reading_club.relay: send the outbox to the event stream."""

from collections.abc import Sequence

from reading_club.bootstrap import bootstrap
from reading_club.cli import argument_parser, read_settings
from service_chassis import relay


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reading_club.relay",
        "Send the events that wait in the outbox to the event stream,\n"
        "until SIGTERM or SIGINT.",
    )
    relay.add_arguments(parser)
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    return relay.run(bootstrap(settings), arguments, settings, name="club")


if __name__ == "__main__":
    raise SystemExit(main())
