"""How Alembic reaches the club's database: run by every alembic command."""

from reading_club.adapters.orm import metadata
from reading_club.settings import Settings
from sql_database.migrations import run_migrations

# The settings are read when a command migrates their database, not in tests.
run_migrations(metadata, lambda: Settings().database_url.get_secret_value())
