"""python -m reviews.contracts: the contracts of what the reviews service publishes."""

from collections.abc import Sequence
from pathlib import Path

from reviews.domain import messages
from transactional_outbox import contracts

# Beside the club's contracts/, as reviews_migrations/ is beside migrations/.
FOLDER = Path("reviews_contracts")


def main(argv: Sequence[str] | None = None) -> int:
    return contracts.main("python -m reviews.contracts", messages, argv, FOLDER)


if __name__ == "__main__":
    raise SystemExit(main())
