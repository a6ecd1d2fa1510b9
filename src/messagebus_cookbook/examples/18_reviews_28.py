"""python -m reviews.relay: send the outbox of the reviews service to its stream."""

import argparse
import asyncio
import logging
from collections.abc import Sequence

from reviews.bootstrap import Reviews, bootstrap
from reviews.cli import read_settings
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.relay",
        description="Send the events that wait in the outbox of the reviews "
        "service to its stream, until SIGTERM or SIGINT. Settings: "
        "REVIEWS_DATABASE_URL, REVIEWS_BROKER_URL.",
    )
    parser.parse_args(argv)
    reviews = bootstrap(read_settings(parser))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(serve(reviews))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
