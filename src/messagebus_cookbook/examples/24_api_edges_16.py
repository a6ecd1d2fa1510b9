"""What the main of every process shares: its settings, or a clear error."""

import argparse
import json
import os
import textwrap

from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsError

from reading_club.settings import Settings


def environment_help() -> str:
    """The variables a process reads, from the settings themselves."""
    lines = ["environment, with its defaults:"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if isinstance(default, SecretStr):
            default = default.get_secret_value()
        elif isinstance(default, dict):
            default = json.dumps(default)
        lines.append(f"  READING_CLUB_{name.upper()}={default}")
        lines.append(
            textwrap.indent(textwrap.fill(str(field.description), 72), " " * 6)
        )
    return "\n".join(lines)


def argument_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The parser of a process, whose help lists the variables it reads."""
    return argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def read_settings(parser: argparse.ArgumentParser) -> Settings:
    """The settings of the environment; a wrong one stops the process at once."""
    if os.environ.get("CELERY_BROKER_URL"):
        # Celery would use it, whatever READING_CLUB_BROKER_URL says.
        parser.error("unset CELERY_BROKER_URL: the club does not read it")
    try:
        return Settings()
    except SettingsError as error:
        # A variable that is not JSON where JSON is expected, as API_KEYS.
        parser.error(f"{error}: {error.__cause__}")
    except ValidationError as error:
        # The message names each variable and what is wrong with it, never
        # the value given, nor a key of it: either may hold a password.
        parser.error(
            "; ".join(
                f"READING_CLUB_{str(problem['loc'][0]).upper()}: {problem['msg']}"
                for problem in error.errors()
            )
        )
