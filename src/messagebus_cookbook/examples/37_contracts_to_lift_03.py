"""The command that writes the contracts of a service's published events."""

import argparse
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from event_contracts.schemas import (
    as_json,
    contract_name,
    payload_schema,
    published_messages,
)

FOLDER = Path("contracts")


def main(
    prog: str,
    messages: ModuleType,
    argv: Sequence[str] | None = None,
    folder: Path = FOLDER,
) -> int:
    """Write the contract of each published message of ``messages`` that has none.

    0 when every contract is written or unchanged; 1 when a message no
    longer matches the contract of its version, which stays as it was.
    """
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
