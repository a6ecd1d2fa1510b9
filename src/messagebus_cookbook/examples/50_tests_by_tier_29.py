"""Each message the club publishes keeps the contract of its version."""

import json
from pathlib import Path

import jsonschema
import pytest
from lastuuid.dummies import uuidgen
from messagebus.service.eventstream import MessageSerializer

from event_contracts.schemas import (
    PublishedEvent,
    broken_contract,
    contract_name,
    published_messages,
    stray_contracts,
)
from reading_club.domain import messages
from reading_club.domain.messages import BookRegistered

CONTRACTS = Path(__file__).parents[3] / "contracts"
# Versions the club no longer publishes. Their envelopes may still wait in an
# outbox or a queue, and the services that read them keep their contracts.
RETIRED = ("book_registered_v1",)


@pytest.mark.parametrize("message", published_messages(messages), ids=contract_name)
def test_a_published_message_keeps_its_contract(message: PublishedEvent) -> None:
    problem = broken_contract(
        message, CONTRACTS, "python -m reading_club.entrypoints.contracts"
    )
    if problem:
        pytest.fail(problem)


def test_every_contract_is_of_a_version_published_or_retired() -> None:
    assert stray_contracts(messages, CONTRACTS, RETIRED) == []


def test_the_contract_of_a_retired_version_stays() -> None:
    missing = [name for name in RETIRED if not (CONTRACTS / f"{name}.json").exists()]
    assert missing == []


def test_what_the_club_sends_keeps_the_contract() -> None:
    event = BookRegistered(
        id=uuidgen(1),
        isbn="0-321-12521-5",
        title="Domain Driven Design",
        authors=["Eric Evans"],
    )
    envelope = MessageSerializer().serialize_message(event)
    schema = json.loads((CONTRACTS / f"{envelope['type']}.json").read_text())

    jsonschema.validate(
        json.loads(envelope["payload"]),
        schema,
        format_checker=jsonschema.FormatChecker(),
    )
