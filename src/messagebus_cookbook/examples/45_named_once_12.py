"""What the main of every process shares: its settings, or a clear error."""

import argparse
import json
import os
import textwrap
from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsError

TSettings = TypeVar("TSettings", bound=BaseSettings)
T = TypeVar("T")


class CommandLine(Generic[TSettings]):
    """The parsers and the settings of one service's processes."""

    def __init__(self, settings_type: type[TSettings]) -> None:
        self.settings_type = settings_type
        self.prefix = settings_type.model_config.get("env_prefix", "")
        if not self.prefix:
            # DATABASE_URL alone would be any service's, or another tool's.
            raise ValueError(f"{settings_type.__name__} names no env_prefix")

    def environment_help(self) -> str:
        """The variables a process reads, from the settings themselves."""
        lines = ["environment, with its defaults:"]
        for name, field in self.settings_type.model_fields.items():
            default = field.get_default(call_default_factory=True)
            if field.is_required():
                default = "(required)"
            elif isinstance(default, SecretStr):
                default = default.get_secret_value()
            elif isinstance(default, dict):
                default = json.dumps(default)
            lines.append(f"  {self.prefix}{name.upper()}={default}")
            lines.append(
                textwrap.indent(textwrap.fill(str(field.description), 72), " " * 6)
            )
        return "\n".join(lines)

    def argument_parser(self, prog: str, description: str) -> argparse.ArgumentParser:
        """The parser of a process, whose help lists the variables it reads."""
        return argparse.ArgumentParser(
            prog=prog,
            description=description,
            epilog=self.environment_help(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def read_settings(self, parser: argparse.ArgumentParser) -> TSettings:
        """The settings of the environment; a wrong one stops the process at once."""
        if os.environ.get("CELERY_BROKER_URL"):
            # Celery would use it, whatever the service's BROKER_URL says.
            parser.error(
                f"unset CELERY_BROKER_URL: the service reads {self.prefix}BROKER_URL"
            )
        try:
            return self.settings_type()
        except SettingsError as error:
            # A variable that is not JSON where JSON is expected, as API_KEYS.
            parser.error(f"{error}: {error.__cause__}")
        except ValidationError as error:
            # The message names each variable and what is wrong with it, never
            # the value given, nor a key of it: either may hold a password.
            parser.error(
                "; ".join(
                    f"{self.prefix}{str(problem['loc'][0]).upper()}: {problem['msg']}"
                    for problem in error.errors()
                )
            )

    def build(
        self,
        parser: argparse.ArgumentParser,
        bootstrap: Callable[[TSettings], T],
        settings: TSettings,
    ) -> T:
        """What ``bootstrap`` builds; a failure stops the process, in one line.

        The line has the error's message, with the value of every secret
        setting masked: a message may quote a URL with its password.
        """
        try:
            return bootstrap(settings)
        except Exception as error:
            message = str(error)
            for name in type(settings).model_fields:
                value = getattr(settings, name)
                if isinstance(value, SecretStr) and value.get_secret_value():
                    message = message.replace(value.get_secret_value(), str(value))
            parser.error(f"the service cannot be built: {message}")
