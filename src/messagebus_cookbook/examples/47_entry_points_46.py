"""A wrong setting stops a process with its name, never with a secret."""

import argparse
from collections.abc import Callable
from typing import Any

import pytest
from pydantic_settings import BaseSettings

import reading_club.entrypoints.cli
import reading_club.settings
import reviews.entrypoints.cli
import reviews.settings

PASSWORD = "correct-horse-battery-staple"
SERVICES = [
    pytest.param("READING_CLUB_", reading_club.settings.Settings, id="reading club"),
    pytest.param("REVIEWS_", reviews.settings.Settings, id="reviews"),
]
READ_SETTINGS: dict[str, Callable[[argparse.ArgumentParser], Any]] = {
    "READING_CLUB_": reading_club.entrypoints.cli.read_settings,
    "REVIEWS_": reviews.entrypoints.cli.read_settings,
}


@pytest.mark.parametrize(("prefix", "settings_class"), SERVICES)
def test_settings_hide_the_passwords_of_their_urls(
    monkeypatch: pytest.MonkeyPatch, prefix: str, settings_class: type[BaseSettings]
) -> None:
    url = f"postgresql+asyncpg://club:{PASSWORD}@db.example/club"
    monkeypatch.setenv(f"{prefix}DATABASE_URL", url)
    monkeypatch.setenv(f"{prefix}BROKER_URL", f"amqp://club:{PASSWORD}@mq.example//")

    settings = settings_class()

    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings.model_dump())


@pytest.mark.parametrize("prefix", READ_SETTINGS)
@pytest.mark.parametrize(
    ("api_keys", "error"),
    [
        pytest.param(
            # A key itself, where its hash belongs.
            f'{{"{PASSWORD}": "books:write"}}',
            "{prefix}API_KEYS: String should match pattern '^[0-9a-f]{{64}}$'; "
            "{prefix}API_KEYS: Input should be a valid list",
            id="not a hash",
        ),
        pytest.param(
            f"{PASSWORD} books:write",
            'error parsing value for field "api_keys" from source '
            '"EnvSettingsSource": Expecting value: line 1 column 1 (char 0)',
            id="not JSON",
        ),
    ],
)
def test_a_wrong_setting_is_named_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    prefix: str,
    api_keys: str,
    error: str,
) -> None:
    monkeypatch.setenv(f"{prefix}API_KEYS", api_keys)

    with pytest.raises(SystemExit) as stopped:
        READ_SETTINGS[prefix](argparse.ArgumentParser(prog="process"))

    assert stopped.value.code == 2
    printed = capsys.readouterr().err
    assert printed.endswith(f"process: error: {error.format(prefix=prefix)}\n")
    assert PASSWORD not in printed.lower()
