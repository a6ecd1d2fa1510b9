"""Each message the reviews service publishes keeps the contract of its version."""

from pathlib import Path

import pytest

from event_contracts.schemas import (
    PublishedEvent,
    broken_contract,
    contract_name,
    published_messages,
    stray_contracts,
)
from reviews.domain import messages

CONTRACTS = Path(__file__).parents[3] / "reviews_contracts"


@pytest.mark.parametrize("message", published_messages(messages), ids=contract_name)
def test_a_published_message_keeps_its_contract(message: PublishedEvent) -> None:
    problem = broken_contract(
        message, CONTRACTS, "python -m reviews.entrypoints.contracts"
    )
    if problem:
        pytest.fail(problem)


def test_every_contract_is_of_a_version_published() -> None:
    assert stray_contracts(messages, CONTRACTS) == []
