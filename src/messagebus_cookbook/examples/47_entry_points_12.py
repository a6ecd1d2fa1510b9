"""The contracts of what the reviews service publishes.

Run it with ``python -m reviews.entrypoints.contracts``.
"""

from collections.abc import Sequence
from pathlib import Path

from event_contracts.command import main as write_contracts
from reviews.domain import messages

# Beside the club's contracts/, as reviews_migrations/ is beside migrations/.
FOLDER = Path("reviews_contracts")


def main(argv: Sequence[str] | None = None) -> int:
    return write_contracts(
        "python -m reviews.entrypoints.contracts", messages, argv, FOLDER
    )


if __name__ == "__main__":
    raise SystemExit(main())
