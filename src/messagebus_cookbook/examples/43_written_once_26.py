"""python -m reviews.relay: send the outbox of the reviews service to its stream."""

from collections.abc import Sequence

from reviews.bootstrap import bootstrap
from reviews.cli import argument_parser, read_settings
from service_chassis import relay


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reviews.relay",
        "Send the events that wait in the outbox of the reviews service to its\n"
        "stream, until SIGTERM or SIGINT.",
    )
    relay.add_arguments(parser)
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    return relay.run(bootstrap(settings), arguments, settings, name="reviews")


if __name__ == "__main__":
    raise SystemExit(main())
