"""What the reviews service reads is what the club promised to publish."""

import json
from pathlib import Path

import jsonschema
import pytest

from reviews.service.consumer import EVENTS

CONTRACTS = Path(__file__).parents[2] / "contracts"


@pytest.mark.parametrize("type", EVENTS)
def test_the_service_reads_versions_the_club_publishes(type: str) -> None:
    assert (CONTRACTS / f"{type}.json").exists(), f"the club publishes no {type}"


def test_the_envelope_of_the_tests_keeps_its_contract(
    envelope: dict[str, str],
) -> None:
    schema = json.loads((CONTRACTS / f"{envelope['type']}.json").read_text())

    jsonschema.validate(
        json.loads(envelope["payload"]),
        schema,
        format_checker=jsonschema.FormatChecker(),
    )
