"""A relay on the chassis: its check, its command, what it sets up before it runs."""

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from service_chassis import relay
from service_chassis.cli import CommandLine
from tests.service_chassis.inventory import (
    Inventory,
    InventorySettings,
    bootstrap,
    metadata,
)
from transactional_outbox import process


@dataclass(frozen=True)
class InventoryOfASilentBroker(Inventory):
    async def ping_broker(self) -> str | None:
        await asyncio.sleep(60)
        return None


def relaying_inventory(
    folder: Path,
    *,
    tables: bool,
    kind: type[Inventory] = Inventory,
    send_timeout: float = 2.5,
) -> Inventory:
    settings = InventorySettings(
        database_url=SecretStr(f"sqlite+aiosqlite:///{folder / 'stock.db'}"),
        log_format="text",
        otlp_endpoint="http://traces.test",
        relay_send_timeout=send_timeout,
    )
    inventory = bootstrap(settings)
    if tables:

        async def create_tables() -> None:
            async with inventory.engine.begin() as connection:
                await connection.run_sync(metadata.create_all)
            await inventory.engine.dispose()

        asyncio.run(create_tables())
    return kind(
        inventory.settings, inventory.engine, inventory.bus, inventory.transport
    )


@pytest.fixture(autouse=True)
def noted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the relay sets up for its whole process, noted instead of done."""
    noted: list[str] = []
    monkeypatch.setattr(
        relay, "configure_logs", lambda format: noted.append(f"logs {format}")
    )
    monkeypatch.setattr(
        relay,
        "configure_tracing",
        lambda name, endpoint: noted.append(f"traces of {name} to {endpoint}"),
    )
    return noted


def parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    relay.add_arguments(parser)
    return parser.parse_args(argv)


def test_the_check_reaches_the_database_and_the_broker_and_sets_up_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], noted: list[str]
) -> None:
    inventory = relaying_inventory(tmp_path, tables=True)

    status = relay.run(inventory, parsed("--check"), inventory.settings, name="stock")

    assert status == 0
    assert capsys.readouterr().out == "database: ok, 0 row(s) pending\nbroker: ok\n"
    assert noted == []
    assert inventory.closes == ["closed"]


def test_the_check_fails_on_a_database_without_its_outbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = relaying_inventory(tmp_path, tables=False)

    status = relay.run(inventory, parsed("--check"), inventory.settings, name="stock")

    assert status == 1
    assert "database: unreachable" in capsys.readouterr().out


def test_the_check_waits_for_the_broker_as_long_as_the_settings_say(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = relaying_inventory(
        tmp_path, tables=True, kind=InventoryOfASilentBroker, send_timeout=0.2
    )

    status = relay.run(inventory, parsed("--check"), inventory.settings, name="stock")

    assert status == 1
    assert capsys.readouterr().out.splitlines() == [
        "database: ok, 0 row(s) pending",
        "broker: unreachable: no answer within 0.2 s",
    ]


def test_the_relay_runs_once_its_logs_and_traces_are_set_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noted: list[str]
) -> None:
    inventory = relaying_inventory(tmp_path, tables=True)

    def run(service: process.RelayingService, arguments: argparse.Namespace) -> int:
        noted.append(f"relay, metrics on port {arguments.metrics_port}")
        return 0

    monkeypatch.setattr(process, "run", run)

    status = relay.run(
        inventory, parsed("--metrics-port", "9464"), inventory.settings, name="stock"
    )

    assert status == 0
    assert noted == [
        "logs text",
        "traces of stock-relay to http://traces.test",
        "relay, metrics on port 9464",
    ]


def test_the_command_runs_the_relay_of_the_service_its_settings_build(
    monkeypatch: pytest.MonkeyPatch, noted: list[str]
) -> None:
    def run(
        service: process.RelayingService,
        arguments: argparse.Namespace,
        settings: InventorySettings,
        *,
        name: str,
    ) -> int:
        assert isinstance(service, Inventory)
        assert service.settings is settings
        noted.append(f"{name} relay, check {arguments.check}")
        noted.append(f"send timeout {settings.relay_send_timeout}")
        asyncio.run(service.close())
        return 0

    monkeypatch.setattr(relay, "run", run)
    monkeypatch.setenv("INVENTORY_RELAY_SEND_TIMEOUT", "2.5")

    status = relay.run_command(
        ["--check"],
        CommandLine(InventorySettings),
        bootstrap,
        prog="inventory-relay",
        description="Send the inventory's outbox.",
        name="stock",
    )

    assert status == 0
    assert noted == ["stock relay, check True", "send timeout 2.5"]


def test_the_command_stops_on_a_wrong_setting_before_it_builds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def build(settings: InventorySettings) -> Inventory:
        raise AssertionError("built on a wrong setting")

    monkeypatch.setenv("INVENTORY_RELAY_BATCH_SIZE", "0")

    with pytest.raises(SystemExit) as stopped:
        relay.run_command(
            [],
            CommandLine(InventorySettings),
            build,
            prog="inventory-relay",
            description="Send the inventory's outbox.",
            name="stock",
        )

    assert stopped.value.code == 2
    assert "INVENTORY_RELAY_BATCH_SIZE" in capsys.readouterr().err


def test_the_command_stops_on_a_service_that_cannot_be_built(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INVENTORY_DATABASE_URL", "nosuchdatabase://db.test/stock")

    with pytest.raises(SystemExit) as stopped:
        relay.run_command(
            ["--check"],
            CommandLine(InventorySettings),
            bootstrap,
            prog="inventory-relay",
            description="Send the inventory's outbox.",
            name="stock",
        )

    assert stopped.value.code == 2
    printed = capsys.readouterr().err
    assert "the service cannot be built: Can't load plugin" in printed
