"""How a service's HTTP API is served: uvicorn, in one process or several."""

import argparse

import uvicorn

from process_metrics.serving import add_arguments as add_metrics_arguments
from process_metrics.serving import served as served_metrics

# Seconds a stopping server waits for the requests in flight.
GRACEFUL_SHUTDOWN_TIMEOUT = 3
# Seconds a worker process may take to answer uvicorn's parent, its start
# included: it imports the whole service first, and is killed after that.
WORKER_HEALTHCHECK_TIMEOUT = 30


def add_arguments(parser: argparse.ArgumentParser, port: int) -> None:
    """Where the API listens, its processes, and where its metrics are served."""
    parser.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    parser.add_argument("--port", type=int, default=port, help="default: %(default)s")
    add_metrics_arguments(parser, "the metrics, not on the API,")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes that serve the API; with --metrics-port, start it with "
        "PROMETHEUS_MULTIPROC_DIR naming an empty folder (default: %(default)s)",
    )


def serve(app_factory: str, arguments: argparse.Namespace) -> int:
    """Serve the API that ``app_factory`` ("module:function") makes, until a signal.

    Each of uvicorn's workers imports the module and calls the function: a
    process of its own, which shares no connection with the others.
    """
    # A thread of its own: Prometheus scrapes it, not the API's clients.
    with served_metrics(
        arguments.metrics_port, arguments.metrics_host, pool=arguments.workers > 1
    ):
        uvicorn.run(
            app_factory,
            factory=True,
            workers=arguments.workers,
            host=arguments.host,
            port=arguments.port,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_TIMEOUT,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_TIMEOUT,
            # uvicorn's lines go to the process's log, in its format.
            log_config=None,
        )
    return 0
