"""List the dead letters, or handle them again.

Run it with ``python -m reviews.entrypoints.dead_letters``.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from idempotent_consumer import dead_letters
from idempotent_consumer.consumer import Consumer
from reviews.adapters.orm import create_engine
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import Reviews
from reviews.entrypoints.cli import argument_parser, read_settings
from reviews.service.consumer import create_consumer
from reviews.service.unit_of_work import AbstractUnitOfWork


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reviews.entrypoints.dead_letters",
        "List the envelopes the reviews service kept aside, with why; with\n"
        "--retry, handle them again, each in one transaction with its removal,\n"
        "once their cause is fixed.",
    )
    dead_letters.add_arguments(parser)
    arguments = parser.parse_args(argv)
    database_url = read_settings(parser).database_url.get_secret_value()

    @asynccontextmanager
    async def open_consumer() -> AsyncIterator[Consumer[AbstractUnitOfWork]]:
        engine = create_engine(database_url)
        try:
            yield create_consumer(Reviews.create_bus(), lambda: SQLUnitOfWork(engine))
        finally:
            await engine.dispose()

    return dead_letters.run(parser, arguments, open_consumer)


if __name__ == "__main__":
    raise SystemExit(main())
