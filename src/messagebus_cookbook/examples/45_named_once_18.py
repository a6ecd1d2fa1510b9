"""python -m reviews.relay: send the outbox of the reviews service to its stream."""

from collections.abc import Sequence

from reviews.bootstrap import bootstrap
from reviews.cli import COMMAND_LINE
from service_chassis import relay


def main(argv: Sequence[str] | None = None) -> int:
    return relay.run_command(
        argv,
        COMMAND_LINE,
        bootstrap,
        prog="python -m reviews.relay",
        description=(
            "Send the events that wait in the outbox of the reviews service to its\n"
            "stream, until SIGTERM or SIGINT."
        ),
        name="reviews",
    )


if __name__ == "__main__":
    raise SystemExit(main())
