"""python -m reading_club.relay: send the outbox to the event stream."""

import asyncio
import logging
from collections.abc import Sequence

from process_metrics.serving import add_arguments as add_metrics_arguments
from process_metrics.serving import served as served_metrics
from reading_club.bootstrap import ReadingClub, bootstrap
from reading_club.cli import argument_parser, read_settings
from structured_logs.formatting import configure
from tracing.provider import configure as configure_tracing
from transactional_outbox import metrics
from transactional_outbox.relay import check as check_relay
from transactional_outbox.relay import run_until_signalled

logger = logging.getLogger("reading_club.relay")


async def serve(club: ReadingClub) -> None:
    """Run the relay until SIGTERM or SIGINT; the batch in flight is abandoned."""
    logger.info("relay started")
    try:
        await run_until_signalled(club.relay())
    finally:
        await club.close()
    logger.info("relay stopped")


async def check(club: ReadingClub) -> bool:
    """Whether the relay reaches its database and its broker: one line for each."""
    try:
        return await check_relay(
            club.relay(), club.ping_broker, club.settings.relay_send_timeout
        )
    finally:
        await club.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reading_club.relay",
        "Send the events that wait in the outbox to the event stream,\n"
        "until SIGTERM or SIGINT.",
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
    club = bootstrap(settings)
    if arguments.check:
        return 0 if asyncio.run(check(club)) else 1
    configure(settings.log_format)
    configure_tracing("club-relay", settings.otlp_endpoint)
    with served_metrics(
        arguments.metrics_port, arguments.metrics_host, metrics.REGISTRY
    ):
        asyncio.run(serve(club))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
