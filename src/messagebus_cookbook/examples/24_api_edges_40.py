"""python -m reviews.dead_letters: list the dead letters, or handle them again."""

import argparse
import asyncio
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from reviews.adapters.faults import explain
from reviews.adapters.orm import create_engine
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import create_bus
from reviews.cli import read_settings
from reviews.service.consumer import describe, rehandle
from reviews.service.repositories import DeadLetter


def of_type(dead_letter: DeadLetter, types: Sequence[str]) -> bool:
    envelope = dead_letter.envelope
    return not types or (isinstance(envelope, dict) and envelope.get("type") in types)


async def run(database_url: str, retry: bool, types: Sequence[str]) -> int:
    """List the dead letters of these types, or all; handle them again if asked.

    The number of dead letters left.
    """
    engine = create_engine(database_url)
    bus = create_bus()

    def unit_of_work() -> SQLUnitOfWork:
        return SQLUnitOfWork(engine)

    try:
        async with unit_of_work() as transaction:
            found = [
                d for d in await transaction.dead_letters.all() if of_type(d, types)
            ]
            await transaction.rollback()
        if not retry:
            for dead_letter in found:
                print(f"{name(dead_letter)}: {dead_letter.error}")
            return len(found)
        left = 0
        for dead_letter in found:
            try:
                outcome = await rehandle(dead_letter.position, bus, unit_of_work)
            except Exception as error:
                left += 1
                print(f"{name(dead_letter)}: still dead: {explain(error)}")
            else:
                print(f"{name(dead_letter)}: {outcome.value}")
        return left
    finally:
        await engine.dispose()


def name(dead_letter: DeadLetter) -> str:
    return f"{dead_letter.position} {describe(dead_letter.envelope)}"


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.dead_letters",
        description="List the envelopes the reviews service kept aside, with "
        "why; with --retry, handle them again, each in one transaction with "
        "its removal, once their cause is fixed. Settings: REVIEWS_DATABASE_URL.",
    )
    parser.add_argument(
        "--type",
        action="append",
        default=[],
        dest="types",
        metavar="TYPE",
        help="only the envelopes of this type (again for several)",
    )
    parser.add_argument(
        "--retry", action="store_true", help="handle them again, and remove them"
    )
    arguments = parser.parse_args(argv)
    settings = read_settings(parser)
    try:
        left = asyncio.run(
            run(
                settings.database_url.get_secret_value(),
                arguments.retry,
                arguments.types,
            )
        )
    except (DBAPIError, OSError) as error:
        parser.exit(1, f"{parser.prog}: {explain(error)}\n")
    print(counted(left, "dead letter") + (" left" if arguments.retry else ""))
    return 1 if arguments.retry and left else 0


if __name__ == "__main__":
    raise SystemExit(main())
