"""The contract of one version of a published event: the schema of its payload.

A contract is the JSON Schema of the payload of one version of a published
event, in ``<folder>/<name>_v<version>.json``. The services that read the
event check what they receive against it. A written contract never changes:
a change of a published event is a new version, with a contract of its own.
"""

import difflib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from messagebus import GenericEvent, Metadata

# What the envelope carries beside the payload: not part of the payload's schema.
ENVELOPE_FIELDS = ("message_id", "created_at", "metadata")


PublishedEvent = type[GenericEvent[Any]]


def metadata_of(message: PublishedEvent) -> Metadata | None:
    default = message.model_fields["metadata"].default
    return default if isinstance(default, Metadata) else None


def published_messages(messages: ModuleType) -> list[PublishedEvent]:
    """Every event of a module of messages that its service publishes."""
    found = []
    for value in vars(messages).values():
        if isinstance(value, type) and issubclass(value, GenericEvent):
            metadata = metadata_of(value)
            if metadata is not None and metadata.published:
                found.append(value)
    return found


def contract_name(message: PublishedEvent) -> str:
    """The name of its contract, as the envelope's ``type`` says it."""
    metadata = metadata_of(message)
    if metadata is None:
        raise ValueError(
            f"{message.__name__} has no metadata: give it "
            "metadata: Metadata = Metadata(name=..., schema_version=...)"
        )
    return f"{metadata.name}_v{metadata.schema_version}"


def payload_schema(message: PublishedEvent) -> dict[str, Any]:
    """The JSON Schema of the payload of a message: exactly its own fields."""
    schema = message.model_json_schema(mode="serialization")
    properties = {
        name: field
        for name, field in schema["properties"].items()
        if name not in ENVELOPE_FIELDS
    }
    contract: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": contract_name(message),
        "type": "object",
        "properties": properties,
        "required": [name for name in schema.get("required", []) if name in properties],
        "additionalProperties": False,
    }
    # The types the fields refer to (an enum, a model), the metadata's aside.
    definitions = {
        name: definition
        for name, definition in schema.get("$defs", {}).items()
        if name != "Metadata"
    }
    if definitions:
        contract["$defs"] = definitions
    return contract


def as_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2) + "\n"


def broken_contract(message: PublishedEvent, folder: Path, command: str) -> str | None:
    """None if the message keeps its contract in ``folder``; else why, with a diff.

    ``command`` is the one that writes the service's contracts, for the
    message about a missing one.
    """
    path = folder / f"{contract_name(message)}.json"
    if not path.exists():
        return f"{path.name} is missing: write it with {command}"
    promised = path.read_text()
    now = as_json(payload_schema(message))
    if now == promised:
        return None
    diff = difflib.unified_diff(
        promised.splitlines(keepends=True),
        now.splitlines(keepends=True),
        f"{folder.name}/{path.name}",
        f"{message.__name__} now",
    )
    return (
        f"{message.__name__} changed: a published version never changes, "
        "publish the change as a new version\n" + "".join(diff)
    )


def stray_contracts(
    messages: ModuleType, folder: Path, retired: tuple[str, ...] = ()
) -> list[str]:
    """The contracts in ``folder`` of no version published, nor ``retired``.

    A retired version is no longer published, but its envelopes may still
    wait in an outbox or a queue: the services that read it keep its contract.
    """
    kept = {contract_name(message) for message in published_messages(messages)}
    return sorted(
        path.stem
        for path in folder.glob("*.json")
        if path.stem not in kept and path.stem not in retired
    )
