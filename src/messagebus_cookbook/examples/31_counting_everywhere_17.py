"""python -m reviews.relay: send the outbox of the reviews service to its stream."""

import argparse
import asyncio
import logging
from collections.abc import Sequence

from process_metrics.serving import add_arguments as add_metrics_arguments
from process_metrics.serving import served as served_metrics
from reviews.adapters.eventstream import SEND_TIMEOUT
from reviews.bootstrap import Reviews, bootstrap
from reviews.cli import read_settings
from structured_logs.formatting import configure
from tracing.provider import configure as configure_tracing
from transactional_outbox import metrics
from transactional_outbox.relay import check as check_relay
from transactional_outbox.relay import run_until_signalled

logger = logging.getLogger("reviews.relay")


async def serve(reviews: Reviews) -> None:
    """Run the relay until SIGTERM or SIGINT; the batch in flight is abandoned."""
    logger.info("relay started")
    try:
        await run_until_signalled(reviews.relay())
    finally:
        await reviews.close()
    logger.info("relay stopped")


async def check(reviews: Reviews) -> bool:
    """Whether the relay reaches its database and its broker: one line for each."""
    try:
        return await check_relay(reviews.relay(), reviews.ping_broker, SEND_TIMEOUT)
    finally:
        await reviews.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.relay",
        description="Send the events that wait in the outbox of the reviews "
        "service to its stream, until SIGTERM or SIGINT. Settings: "
        "REVIEWS_DATABASE_URL, REVIEWS_BROKER_URL, REVIEWS_LOG_FORMAT, "
        "REVIEWS_OTLP_ENDPOINT.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check that the relay reaches its database and its broker, "
        "then exit: 0 when it does, 1 otherwise",
    )
    add_metrics_arguments(parser, "the relay's metrics")
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    reviews = bootstrap(settings)
    if arguments.check:
        return 0 if asyncio.run(check(reviews)) else 1
    configure(settings.log_format)
    configure_tracing("reviews-relay", settings.otlp_endpoint)
    with served_metrics(
        arguments.metrics_port, arguments.metrics_host, metrics.REGISTRY
    ):
        asyncio.run(serve(reviews))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
