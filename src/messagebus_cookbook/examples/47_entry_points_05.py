"""Send the outbox to the event stream.

Run it with ``python -m reading_club.entrypoints.relay``.
"""

from collections.abc import Sequence

from reading_club.bootstrap import bootstrap
from reading_club.entrypoints.cli import COMMAND_LINE
from service_chassis import relay


def main(argv: Sequence[str] | None = None) -> int:
    return relay.run_command(
        argv,
        COMMAND_LINE,
        bootstrap,
        prog="python -m reading_club.entrypoints.relay",
        description=(
            "Send the events that wait in the outbox to the event stream,\n"
            "until SIGTERM or SIGINT."
        ),
        name="club",
    )


if __name__ == "__main__":
    raise SystemExit(main())
