"""The command writes a contract once, and refuses to change it."""

import types
from pathlib import Path

import pytest

from event_contracts.command import main
from tests.event_contracts import inventory
from tests.event_contracts.changes import StockAdjustedRenamed

PROG = "python -m inventory.contracts"


def test_it_writes_a_missing_contract_then_leaves_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "contracts"

    assert main(PROG, inventory, ["--folder", str(folder)]) == 0
    assert main(PROG, inventory, ["--folder", str(folder)]) == 0

    assert capsys.readouterr().out.splitlines() == [
        f"{folder}/stock_adjusted_v2.json: written",
        f"{folder}/stock_written_off_v1.json: written",
        f"{folder}/stock_adjusted_v2.json: unchanged",
        f"{folder}/stock_written_off_v1.json: unchanged",
    ]
    assert sorted(path.name for path in folder.iterdir()) == [
        "stock_adjusted_v2.json",
        "stock_written_off_v1.json",
    ]


def test_it_refuses_to_change_a_published_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(PROG, inventory, [], tmp_path) == 0
    contract = tmp_path / "stock_adjusted_v2.json"
    written = contract.read_text()
    changed = types.ModuleType("changed")
    changed.StockAdjusted = StockAdjustedRenamed  # type: ignore[attr-defined]
    capsys.readouterr()

    assert main(PROG, changed, [], tmp_path) == 1

    assert capsys.readouterr().out == (
        f"{contract}: StockAdjustedRenamed no longer matches its contract. "
        "A published version never changes: publish the change as a new version.\n"
    )
    assert contract.read_text() == written
