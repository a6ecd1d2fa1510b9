"""What every command of a service shares: its variables, its settings, its build."""

import pytest
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from service_chassis.cli import CommandLine
from service_chassis.settings import ServiceSettings
from tests.service_chassis.inventory import InventorySettings

PASSWORD = "correct-horse-battery-staple"
command_line = CommandLine(InventorySettings)


def test_the_help_lists_every_variable_with_the_prefix_of_the_service() -> None:
    parser = command_line.argument_parser("inventory", "Count the stock.")

    listed = [
        line.split("=")[0].strip()
        for line in parser.format_help().splitlines()
        if line.startswith("  INVENTORY_")
    ]

    assert listed == [
        "INVENTORY_DATABASE_URL",
        "INVENTORY_BROKER_URL",
        "INVENTORY_RELAY_BATCH_SIZE",
        "INVENTORY_RELAY_MAX_ATTEMPTS",
        "INVENTORY_RELAY_POLL_INTERVAL",
        "INVENTORY_RELAY_SEND_TIMEOUT",
        "INVENTORY_API_KEYS",
        "INVENTORY_LOG_FORMAT",
        "INVENTORY_OTLP_ENDPOINT",
        "INVENTORY_LOW_STOCK",
    ]


def test_a_variable_without_a_default_is_listed_as_required() -> None:
    class ShopSettings(InventorySettings):
        model_config = SettingsConfigDict(env_prefix="SHOP_")

        database_url: SecretStr

    help = CommandLine(ShopSettings).environment_help()

    assert "  SHOP_DATABASE_URL=(required)\n" in help


def test_settings_without_a_prefix_are_refused() -> None:
    class NoPrefix(ServiceSettings):
        pass

    with pytest.raises(ValueError, match="NoPrefix names no env_prefix"):
        CommandLine(NoPrefix)


def test_the_help_gives_the_defaults_of_the_service() -> None:
    help = command_line.environment_help()

    assert "  INVENTORY_DATABASE_URL=sqlite+aiosqlite://\n" in help
    assert "  INVENTORY_LOW_STOCK=5\n" in help
    assert "  INVENTORY_API_KEYS={}\n" in help


def test_the_settings_are_read_with_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVENTORY_LOW_STOCK", "2")
    monkeypatch.setenv("INVENTORY_LOG_FORMAT", "text")

    settings = command_line.read_settings(command_line.argument_parser("p", ""))

    assert (settings.low_stock, settings.log_format) == (2, "text")


@pytest.mark.parametrize(
    ("variable", "value", "error"),
    [
        pytest.param(
            "INVENTORY_LOW_STOCK",
            "-1",
            "INVENTORY_LOW_STOCK: Input should be greater than or equal to 0",
            id="its own",
        ),
        pytest.param(
            "INVENTORY_API_KEYS",
            f'{{"{PASSWORD}": ["stock:write"]}}',
            "INVENTORY_API_KEYS: String should match pattern '^[0-9a-f]{64}$'",
            id="the chassis's",
        ),
        pytest.param(
            "CELERY_BROKER_URL",
            f"redis://:{PASSWORD}@localhost",
            "unset CELERY_BROKER_URL: the service reads INVENTORY_BROKER_URL",
            id="Celery's",
        ),
    ],
)
def test_a_wrong_variable_is_named_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    error: str,
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SystemExit) as stopped:
        command_line.read_settings(command_line.argument_parser("inventory", ""))

    assert stopped.value.code == 2
    printed = capsys.readouterr().err
    assert printed.endswith(f"inventory: error: {error}\n")
    assert PASSWORD not in printed


def test_a_service_that_cannot_be_built_stops_the_process_with_its_secrets_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    database_url = f"postgresql+asyncpg://stock:{PASSWORD}@db.test/stock"
    settings = InventorySettings(database_url=SecretStr(database_url))

    def bootstrap(settings: InventorySettings) -> None:
        raise ConnectionError(f"no database at {database_url}")

    with pytest.raises(SystemExit) as stopped:
        command_line.build(
            command_line.argument_parser("inventory", ""), bootstrap, settings
        )

    assert stopped.value.code == 2
    printed = capsys.readouterr().err
    assert printed.endswith(
        "inventory: error: the service cannot be built: no database at **********\n"
    )
