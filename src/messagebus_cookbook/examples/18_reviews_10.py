"""The contracts of what a service publishes.

A contract is the JSON Schema of the payload of one version of a published
message, in ``contracts/<name>_v<version>.json``. The services that listen
check what they receive against it. A written contract never changes: a
change of a published message is a new version, with a contract of its own.
"""

import argparse
import difflib
import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from messagebus import GenericEvent, Metadata

FOLDER = Path("contracts")
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
    assert metadata is not None, f"{message.__name__} has no metadata"
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
        "required": [name for name in schema["required"] if name in properties],
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


def main(
    prog: str,
    messages: ModuleType,
    argv: Sequence[str] | None = None,
    folder: Path = FOLDER,
) -> int:
    """Write the contract of each published message of ``messages`` that has none."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Write the contract of each published message that has none.",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=folder,
        help="where the contracts are (default: %(default)s)",
    )
    arguments = parser.parse_args(argv)
    status = 0
    for message in published_messages(messages):
        path = arguments.folder / f"{contract_name(message)}.json"
        written = as_json(payload_schema(message))
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(written)
            print(f"{path}: written")
        elif path.read_text() == written:
            print(f"{path}: unchanged")
        else:
            print(
                f"{path}: {message.__name__} no longer matches its contract. "
                "A published version never changes: publish the change as a "
                "new version."
            )
            status = 1
    return status


def broken_contract(message: PublishedEvent, folder: Path, prog: str) -> str | None:
    """None if the message keeps its contract in ``folder``; else why, with a diff."""
    path = folder / f"{contract_name(message)}.json"
    if not path.exists():
        return f"{path.name} is missing: write it with {prog}"
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
