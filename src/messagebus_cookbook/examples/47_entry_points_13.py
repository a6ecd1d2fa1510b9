"""Make the read model again from the recorded events.

Run it with ``python -m reviews.entrypoints.rebuild``.
"""

import asyncio
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from reviews.adapters.orm import create_engine
from reviews.adapters.rebuild import Rebuilt, rebuild_summaries
from reviews.entrypoints.cli import argument_parser, read_settings


async def rebuild(database_url: str) -> Rebuilt:
    engine = create_engine(database_url)
    try:
        return await rebuild_summaries(engine)
    finally:
        await engine.dispose()


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(
        "python -m reviews.entrypoints.rebuild",
        "Drop the summaries of the books' reviews and make them again from the\n"
        "books the service knows and the book_reviewed events of its outbox, in\n"
        "one transaction: a rebuild that stops, SIGTERM included, changes nothing.",
    )
    parser.parse_args(argv)
    settings = read_settings(parser)
    try:
        rebuilt = asyncio.run(rebuild(settings.database_url.get_secret_value()))
    except (DBAPIError, OSError) as error:
        parser.exit(
            1,
            f"{parser.prog}: nothing changed: {error}\n"
            "Is the database up, and migrated (alembic -n reviews upgrade head)?\n",
        )
    print(
        f"rebuilt the summaries of {counted(rebuilt.books, 'book')} "
        f"from {counted(rebuilt.reviews, 'review')}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
