"""Serve the metrics of a process, or of the pool of processes it starts.

A Celery worker handles its tasks in child processes, and each one counts
in its own memory: the process that serves the metrics would show none of
it. Started with ``PROMETHEUS_MULTIPROC_DIR`` in its environment, every
process counts in files of that folder instead, and the server sums them.
"""

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

# prometheus_client reads it once, when it is first imported: the process
# must be started with it.
POOL_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


class NotServable(Exception):
    """The metrics cannot be served as asked."""


class NoPoolFolder(NotServable):
    """A pool of processes counts, and no folder gathers their counts."""


class StaleCounts(NotServable):
    """The folder of a pool's counts holds those of an earlier run."""


def pool_folder() -> Path | None:
    """The folder where the processes of the pool count, if they do."""
    folder = os.environ.get(POOL_FOLDER)
    return Path(folder) if folder else None


def add_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """--metrics-port and --metrics-host, for a command that serves ``what``."""
    parser.add_argument(
        "--metrics-port",
        type=int,
        help=f"serve {what} on http://HOST:PORT/metrics",
    )
    parser.add_argument(
        "--metrics-host",
        default="127.0.0.1",
        help="the address of the metrics server (default: %(default)s)",
    )


@contextlib.contextmanager
def served(
    port: int | None,
    host: str,
    registry: CollectorRegistry = REGISTRY,
    *,
    pool: bool = False,
) -> Iterator[None]:
    """Serve the metrics while the block runs, if there is a port to serve them on.

    ``pool``: other processes do the work, and count it; this one serves.
    Metrics that cannot be served as asked stop the command, saying why.
    """
    if port is None:
        yield
        return
    try:
        server = serve(port, host, registry, pool=pool)
    except NotServable as error:
        raise SystemExit(f"--metrics-port {port}: {error}") from None
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def serve(
    port: int, host: str, registry: CollectorRegistry = REGISTRY, *, pool: bool = False
) -> WSGIServer:
    """Serve ``registry`` on http://HOST:PORT/metrics, from a thread of the process.

    With a pool folder, serve the sum of every process's counts instead,
    those that have ended included: call it before the pool starts. A
    ``pool`` without a folder would serve none of its processes' counts:
    NoPoolFolder.
    """
    folder = pool_folder()
    if folder is None and pool:
        raise NoPoolFolder(
            f"the processes of a pool count apart: set {POOL_FOLDER} to an "
            f"empty folder, or the metrics show none of their counts"
        )
    if folder is not None:
        check_fresh(folder)
        registry = CollectorRegistry()
        # prometheus_client gives its __init__ no type hints.
        MultiProcessCollector(registry, str(folder))  # type: ignore[no-untyped-call]
    server, _ = start_http_server(port, host, registry)
    return server


def check_fresh(folder: Path) -> None:
    """Fail unless only this process has counted in ``folder`` yet.

    The counts of an earlier run would be summed with this one's: a counter
    would start where the last run stopped, and never go back to zero.
    """
    own = f"_{os.getpid()}.db"
    stale = sorted(
        path.name for path in folder.glob("*.db") if not path.name.endswith(own)
    )
    if stale:
        raise StaleCounts(
            f"{folder} holds the counts of an earlier run ({', '.join(stale)}): "
            f"start each run with an empty folder"
        )
