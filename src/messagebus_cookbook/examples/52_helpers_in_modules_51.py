"""A contract is the schema of a published payload, and a change breaks it."""

import json
from pathlib import Path

import jsonschema
import pytest
from messagebus import Event, Metadata
from messagebus.service.eventstream import MessageSerializer

from event_contracts.schemas import (
    as_json,
    broken_contract,
    contract_name,
    payload_schema,
    published_messages,
    stray_contracts,
)
from tests.event_contracts import inventory
from tests.event_contracts.changes import StockAdjustedRenamed
from tests.event_contracts.inventory import Reason, StockAdjusted, StockWrittenOff

COMMAND = "python -m inventory.contracts"


def write_contract(folder: Path, name: str, schema: dict[str, object]) -> None:
    (folder / f"{name}.json").write_text(as_json(schema))


def test_only_published_events_have_a_contract() -> None:
    assert published_messages(inventory) == [StockAdjusted, StockWrittenOff]
    assert contract_name(StockAdjusted) == "stock_adjusted_v2"


def test_the_contract_holds_the_payload_and_nothing_else() -> None:
    assert payload_schema(StockAdjusted) == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "stock_adjusted_v2",
        "type": "object",
        "properties": {
            "sku": {"title": "Sku", "type": "string"},
            "change": {"title": "Change", "type": "integer"},
        },
        "required": ["sku", "change"],
        "additionalProperties": False,
    }


def test_the_contract_holds_the_types_its_fields_refer_to() -> None:
    schema = payload_schema(StockWrittenOff)

    assert schema["properties"]["reason"] == {"$ref": "#/$defs/Reason"}
    assert schema["$defs"] == {
        "Reason": {
            "description": "Why items were written off.",
            "enum": ["damaged", "lost"],
            "title": "Reason",
            "type": "string",
        }
    }


def test_what_the_service_sends_keeps_its_contract() -> None:
    event = StockWrittenOff(sku="SKU-1", quantity=2, reason=Reason.damaged)
    envelope = MessageSerializer().serialize_message(event)
    payload = json.loads(envelope["payload"])

    jsonschema.validate(payload, payload_schema(StockWrittenOff))
    with pytest.raises(jsonschema.ValidationError, match="'stolen' is not one of"):
        jsonschema.validate(
            payload | {"reason": "stolen"}, payload_schema(StockWrittenOff)
        )
    with pytest.raises(jsonschema.ValidationError, match="'delta' was unexpected"):
        jsonschema.validate(payload | {"delta": -2}, payload_schema(StockWrittenOff))


def test_a_kept_contract_is_no_problem(tmp_path: Path) -> None:
    write_contract(tmp_path, "stock_adjusted_v2", payload_schema(StockAdjusted))

    assert broken_contract(StockAdjusted, tmp_path, COMMAND) is None


def test_a_missing_contract_names_the_command_that_writes_it(tmp_path: Path) -> None:
    assert broken_contract(StockAdjusted, tmp_path, COMMAND) == (
        "stock_adjusted_v2.json is missing: write it with python -m inventory.contracts"
    )


def test_a_changed_version_breaks_its_contract_with_a_diff(tmp_path: Path) -> None:
    write_contract(tmp_path, "stock_adjusted_v2", payload_schema(StockAdjusted))

    problem = broken_contract(StockAdjustedRenamed, tmp_path, COMMAND)

    assert problem is not None
    assert problem.splitlines()[:3] == [
        "StockAdjustedRenamed changed: a published version never changes, "
        "publish the change as a new version",
        f"--- {tmp_path.name}/stock_adjusted_v2.json",
        "+++ StockAdjustedRenamed now",
    ]
    assert '-    "change": {' in problem.splitlines()
    assert '+    "delta": {' in problem.splitlines()


def test_an_event_whose_fields_all_have_defaults_requires_none() -> None:
    class StockReset(Event):
        sku: str = "SKU-1"
        metadata: Metadata = Metadata(
            name="stock_reset", schema_version=1, published=True
        )

    assert payload_schema(StockReset)["required"] == []


def test_an_event_without_a_version_has_no_contract() -> None:
    class StockCorrected(Event):
        sku: str

    with pytest.raises(ValueError, match="StockCorrected has no metadata"):
        contract_name(StockCorrected)


def test_a_contract_of_no_version_published_nor_retired_is_stray(
    tmp_path: Path,
) -> None:
    for name in (
        "stock_adjusted_v1",
        "stock_adjusted_v2",
        "stock_written_off_v1",
        "stock_counted_v1",
    ):
        write_contract(tmp_path, name, {})

    assert stray_contracts(inventory, tmp_path) == [
        "stock_adjusted_v1",
        "stock_counted_v1",
    ]
    assert stray_contracts(inventory, tmp_path, ("stock_adjusted_v1",)) == [
        "stock_counted_v1"
    ]
