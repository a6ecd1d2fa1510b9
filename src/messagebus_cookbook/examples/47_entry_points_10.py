"""Send the outbox of the reviews service to its stream.

Run it with ``python -m reviews.entrypoints.relay``.
"""

from collections.abc import Sequence

from reviews.bootstrap import bootstrap
from reviews.entrypoints.cli import COMMAND_LINE
from service_chassis import relay


def main(argv: Sequence[str] | None = None) -> int:
    return relay.run_command(
        argv,
        COMMAND_LINE,
        bootstrap,
        prog="python -m reviews.entrypoints.relay",
        description=(
            "Send the events that wait in the outbox of the reviews service to its\n"
            "stream, until SIGTERM or SIGINT."
        ),
        name="reviews",
    )


if __name__ == "__main__":
    raise SystemExit(main())
