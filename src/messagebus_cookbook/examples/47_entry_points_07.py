"""The contracts of what the club publishes.

Run it with ``python -m reading_club.entrypoints.contracts``.
"""

from collections.abc import Sequence

from event_contracts.command import main as write_contracts
from reading_club.domain import messages


def main(argv: Sequence[str] | None = None) -> int:
    return write_contracts(
        "python -m reading_club.entrypoints.contracts", messages, argv
    )


if __name__ == "__main__":
    raise SystemExit(main())
