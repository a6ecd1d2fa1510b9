"""python -m reading_club.relay: send the outbox to the event stream."""

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass

from reading_club.adapters.eventstream import CeleryBatchTransport, create_celery_app
from reading_club.adapters.uow_sqla.orm import create_engine
from reading_club.adapters.uow_sqla.relay import OutboxRelay, storable

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
  READING_CLUB_RELAY_SEND_TIMEOUT
                             seconds a send may wait for the broker (default: 5.0)
"""


@dataclass(frozen=True)
class Settings:
    """What the relay reads from its environment."""

    database_url: str
    broker_url: str
    batch_size: int = 100
    max_attempts: int = 20
    poll_interval: float = 1.0
    send_timeout: float = 5.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "Settings":
        prefix = "READING_CLUB_"
        required = [f"{prefix}DATABASE_URL", f"{prefix}BROKER_URL"]
        missing = [name for name in required if not environ.get(name)]
        if missing:
            raise ValueError(f"set {' and '.join(missing)}")
        if environ.get("CELERY_BROKER_URL"):
            # Celery would send there, whatever READING_CLUB_BROKER_URL says.
            raise ValueError("unset CELERY_BROKER_URL: the relay does not read it")

        def number(name: str, default: float) -> str:
            return environ.get(f"{prefix}RELAY_{name}", str(default))

        return cls(
            database_url=environ[f"{prefix}DATABASE_URL"],
            broker_url=environ[f"{prefix}BROKER_URL"],
            batch_size=int(number("BATCH_SIZE", cls.batch_size)),
            max_attempts=int(number("MAX_ATTEMPTS", cls.max_attempts)),
            poll_interval=float(number("POLL_INTERVAL", cls.poll_interval)),
            send_timeout=float(number("SEND_TIMEOUT", cls.send_timeout)),
        )


def build_relay(settings: Settings) -> tuple[OutboxRelay, CeleryBatchTransport]:
    """The relay on the database and the broker of the settings."""
    engine = create_engine(settings.database_url)
    app = create_celery_app(settings.broker_url, settings.send_timeout)
    transport = CeleryBatchTransport(app)
    relay = OutboxRelay(
        engine,
        transport,
        batch_size=settings.batch_size,
        max_attempts=settings.max_attempts,
        poll_interval=settings.poll_interval,
        send_timeout=settings.send_timeout,
    )
    return relay, transport


async def serve(settings: Settings) -> None:
    """Run the relay until SIGTERM or SIGINT; the batch in flight is abandoned."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    relay, transport = build_relay(settings)
    logger.info("relay started")
    try:
        await relay.run(stop)
    finally:
        await relay.engine.dispose()
        transport.celery.close()
    logger.info("relay stopped")


async def check(settings: Settings) -> bool:
    """Whether the relay reaches its database and its broker: one line for each."""
    relay, transport = build_relay(settings)

    async def probe(name: str, reach: Awaitable[object]) -> bool:
        try:
            answer = await asyncio.wait_for(reach, settings.send_timeout)
        except asyncio.TimeoutError:
            print(f"{name}: unreachable: no answer within {settings.send_timeout} s")
            return False
        except Exception as error:
            print(f"{name}: unreachable: {storable(error)}")
            return False
        print(f"{name}: ok" if answer is None else f"{name}: ok, {answer}")
        return True

    async def rows_pending() -> str:
        return f"{await relay.pending()} row(s) pending"

    try:
        database = await probe("database", rows_pending())
        broker = await probe("broker", transport.ping())
    finally:
        await relay.engine.dispose()
        transport.celery.close()
    return database and broker


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
    parser.add_argument(
        "--check",
        action="store_true",
        help="check that the relay reaches its database and its broker, "
        "then exit: 0 when it does, 1 otherwise",
    )
    arguments = parser.parse_args(argv)
    try:
        settings = Settings.from_environment(os.environ)
    except ValueError as error:
        parser.error(str(error))
    if arguments.check:
        return 0 if asyncio.run(check(settings)) else 1
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
