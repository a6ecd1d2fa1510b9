"""Each message the club publishes keeps the contract of its version."""

import difflib
import json
from pathlib import Path

import jsonschema
import pytest
from lastuuid.dummies import uuidgen
from messagebus.service.eventstream import MessageSerializer

from reading_club.contracts import (
    PublishedEvent,
    as_json,
    contract_name,
    payload_schema,
    published_messages,
)
from reading_club.domain.messages import BookRegistered

CONTRACTS = Path(__file__).parents[1] / "contracts"
# Versions the club no longer publishes. Their envelopes may still wait in an
# outbox or a queue, and the services that read them keep their contracts.
RETIRED = ["book_registered_v1"]


@pytest.mark.parametrize("message", published_messages(), ids=contract_name)
def test_a_published_message_keeps_its_contract(message: PublishedEvent) -> None:
    path = CONTRACTS / f"{contract_name(message)}.json"
    if not path.exists():
        pytest.fail(
            f"{path.name} is missing: write it with python -m reading_club.contracts"
        )
    promised = path.read_text()
    now = as_json(payload_schema(message))
    if now != promised:
        diff = difflib.unified_diff(
            promised.splitlines(keepends=True),
            now.splitlines(keepends=True),
            f"contracts/{path.name}",
            f"{message.__name__} now",
        )
        pytest.fail(
            f"{message.__name__} changed: a published version never changes, "
            "publish the change as a new version\n" + "".join(diff)
        )


def test_every_contract_is_of_a_version_published_or_retired() -> None:
    written = sorted(path.stem for path in CONTRACTS.glob("*.json"))
    published = [contract_name(message) for message in published_messages()]
    assert written == sorted([*published, *RETIRED])


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
