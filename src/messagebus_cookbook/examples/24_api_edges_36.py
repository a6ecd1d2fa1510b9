"""What the main of every process of the reviews service shares: its settings."""

import argparse
import os

from pydantic import ValidationError
from pydantic_settings import SettingsError

from reviews.settings import Settings


def read_settings(parser: argparse.ArgumentParser) -> Settings:
    """The settings of the environment; a wrong one stops the process at once."""
    if "CELERY_BROKER_URL" in os.environ:
        # Celery would prefer it to REVIEWS_BROKER_URL, without a word.
        parser.error("CELERY_BROKER_URL is set: unset it, use REVIEWS_BROKER_URL")
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
                f"REVIEWS_{str(problem['loc'][0]).upper()}: {problem['msg']}"
                for problem in error.errors()
            )
        )
