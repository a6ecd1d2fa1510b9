"""python -m reading_club.relay: send the outbox to the event stream."""

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reading_club.adapters.eventstream import CeleryTransport, create_celery_app
from reading_club.adapters.uow_sqla.orm import create_engine
from reading_club.adapters.uow_sqla.relay import OutboxRelay

logger = logging.getLogger("reading_club.relay")

ENVIRONMENT = """\
environment:
  READING_CLUB_DATABASE_URL  the database of the outbox, a SQLAlchemy URL such
                             as postgresql+asyncpg://user:password@host/database
  READING_CLUB_BROKER_URL    the broker of the event stream
  READING_CLUB_RELAY_BATCH_SIZE
                             rows sent in one transaction (default: 100)
  READING_CLUB_RELAY_MAX_ATTEMPTS
                             sends of a row before it is parked as dead
                             (default: 20)
  READING_CLUB_RELAY_POLL_INTERVAL
                             seconds to wait when no row is due (default: 1.0)
"""


@dataclass(frozen=True)
class Settings:
    """What the relay reads from its environment."""

    database_url: str
    broker_url: str
    batch_size: int = 100
    max_attempts: int = 20
    poll_interval: float = 1.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "Settings":
        prefix = "READING_CLUB_"
        required = [f"{prefix}DATABASE_URL", f"{prefix}BROKER_URL"]
        missing = [name for name in required if not environ.get(name)]
        if missing:
            raise ValueError(f"set {' and '.join(missing)}")

        def number(name: str, default: float) -> str:
            return environ.get(f"{prefix}RELAY_{name}", str(default))

        return cls(
            database_url=environ[f"{prefix}DATABASE_URL"],
            broker_url=environ[f"{prefix}BROKER_URL"],
            batch_size=int(number("BATCH_SIZE", cls.batch_size)),
            max_attempts=int(number("MAX_ATTEMPTS", cls.max_attempts)),
            poll_interval=float(number("POLL_INTERVAL", cls.poll_interval)),
        )


async def serve(settings: Settings) -> None:
    """Run the relay until SIGTERM or SIGINT; the batch it is sending ends first."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    engine = create_engine(settings.database_url)
    app = create_celery_app(settings.broker_url)
    relay = OutboxRelay(
        engine,
        CeleryTransport(app),
        batch_size=settings.batch_size,
        max_attempts=settings.max_attempts,
        poll_interval=settings.poll_interval,
    )
    logger.info("relay started")
    try:
        await relay.run(stop)
    finally:
        await engine.dispose()
        app.close()
    logger.info("relay stopped")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reading_club.relay",
        description=(
            "Send the events that wait in the outbox to the event stream,\n"
            "until SIGTERM or SIGINT."
        ),
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.parse_args(argv)
    try:
        settings = Settings.from_environment(os.environ)
    except ValueError as error:
        parser.error(str(error))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
