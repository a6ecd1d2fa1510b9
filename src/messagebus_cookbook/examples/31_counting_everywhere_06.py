"""Serve the metrics of a process, on a port of their own."""

import argparse
import contextlib
from collections.abc import Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server


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
    port: int | None, host: str, registry: CollectorRegistry = REGISTRY
) -> Iterator[None]:
    """Serve the metrics while the block runs, if there is a port to serve them on."""
    if port is None:
        yield
        return
    server = serve(port, host, registry)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def serve(port: int, host: str, registry: CollectorRegistry = REGISTRY) -> WSGIServer:
    """Serve ``registry`` on http://HOST:PORT/metrics, from a thread of the process."""
    server, _ = start_http_server(port, host, registry)
    return server
