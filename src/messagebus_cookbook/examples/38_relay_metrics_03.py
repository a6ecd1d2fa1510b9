"""A relay's command: what the relay process of every service does."""

import argparse
import asyncio
import logging
from typing import Protocol

from process_metrics.serving import add_arguments as add_metrics_arguments
from process_metrics.serving import served as served_metrics
from transactional_outbox.relay import OutboxRelay, check, run_until_signalled

logger = logging.getLogger(__name__)


class RelayingService(Protocol):
    """What a relay's command needs of a service, built by its composition root."""

    def relay(self) -> OutboxRelay: ...

    async def ping_broker(self) -> str | None: ...

    async def close(self) -> None: ...


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a relay's command: --check, and where to serve its metrics."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="check that the relay reaches its database and its broker, "
        "then exit: 0 when it does, 1 otherwise",
    )
    add_metrics_arguments(parser, "the relay's metrics")


def check_reach(service: RelayingService, timeout: float) -> int:
    """--check: 0 when the relay reaches its database and its broker, 1 otherwise.

    It prints a line for each, within ``timeout`` seconds each.
    """

    async def checked() -> bool:
        try:
            return await check(service.relay(), service.ping_broker, timeout)
        finally:
            await service.close()

    return 0 if asyncio.run(checked()) else 1


def run(service: RelayingService, arguments: argparse.Namespace) -> int:
    """Run the relay until SIGTERM or SIGINT, and serve its metrics meanwhile.

    The batch in flight when the signal comes is abandoned: its rows stay
    pending, for the next relay to send.
    """
    try:
        relay = service.relay()
    except BaseException:
        asyncio.run(service.close())
        raise

    async def serve() -> None:
        logger.info("relay started")
        try:
            await run_until_signalled(relay)
        finally:
            await service.close()
        logger.info("relay stopped")

    with served_metrics(
        arguments.metrics_port, arguments.metrics_host, relay.metrics.registry
    ):
        asyncio.run(serve())
    return 0
