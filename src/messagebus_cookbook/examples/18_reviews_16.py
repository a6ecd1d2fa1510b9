"""python -m reading_club.contracts: the contracts of what the club publishes."""

from collections.abc import Sequence

from reading_club.domain import messages
from transactional_outbox import contracts
from transactional_outbox.contracts import (
    PublishedEvent,
    as_json,
    contract_name,
    payload_schema,
)

__all__ = [
    "PublishedEvent",
    "as_json",
    "contract_name",
    "main",
    "payload_schema",
    "published_messages",
]


def published_messages() -> list[PublishedEvent]:
    """Every event of the club's domain that the club publishes."""
    return contracts.published_messages(messages)


def main(argv: Sequence[str] | None = None) -> int:
    return contracts.main("python -m reading_club.contracts", messages, argv)


if __name__ == "__main__":
    raise SystemExit(main())
