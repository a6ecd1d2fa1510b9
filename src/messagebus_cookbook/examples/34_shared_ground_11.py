"""How Alembic reaches the reviews database: alembic -n reviews ..."""

from reviews.adapters.orm import metadata
from reviews.settings import Settings
from sql_database.migrations import run_migrations

# The settings are read when a command migrates their database, not in tests.
run_migrations(metadata, lambda: Settings().database_url.get_secret_value())
