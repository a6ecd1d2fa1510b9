"""What the reviews service reads is what the club promised to publish."""

import json
from pathlib import Path

import jsonschema
import pytest

from reviews.service.consumer import READ_TYPES
from tests.reviews.envelopes import (
    DOMAIN_DRIVEN_DESIGN_REGISTERED,
    DOMAIN_DRIVEN_DESIGN_REGISTERED_V1,
)

CONTRACTS = Path(__file__).parents[3] / "contracts"


@pytest.mark.parametrize("type", READ_TYPES)
def test_each_version_the_service_reads_has_a_contract(type: str) -> None:
    assert (CONTRACTS / f"{type}.json").exists(), f"the club never published {type}"


@pytest.mark.parametrize(
    "envelope",
    [DOMAIN_DRIVEN_DESIGN_REGISTERED_V1, DOMAIN_DRIVEN_DESIGN_REGISTERED],
    ids=lambda envelope: envelope["type"],
)
def test_the_envelopes_of_the_tests_keep_their_contract(
    envelope: dict[str, str],
) -> None:
    schema = json.loads((CONTRACTS / f"{envelope['type']}.json").read_text())

    jsonschema.validate(
        json.loads(envelope["payload"]),
        schema,
        format_checker=jsonschema.FormatChecker(),
    )
