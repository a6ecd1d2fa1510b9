"""The command of a consumer's dead letters: list them, or handle them again."""

import argparse
import asyncio
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy.exc import DBAPIError

from idempotent_consumer.consumer import Consumer
from idempotent_consumer.envelopes import describe
from idempotent_consumer.faults import explain
from idempotent_consumer.stores import DeadLetter

# What opens a service's consumer, on its database, and closes it after.
OpenConsumer = Callable[[], AbstractAsyncContextManager[Consumer[Any]]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the command: ``--type``, ``--retry``."""
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


def run(
    parser: argparse.ArgumentParser,
    arguments: argparse.Namespace,
    open_consumer: OpenConsumer,
) -> int:
    """List the dead letters, or handle them again with ``--retry``.

    The exit status: 1 if a dead letter is left after ``--retry``, or if
    the database cannot be reached (in one line), 0 otherwise.
    """
    try:
        left = asyncio.run(go_through(open_consumer, arguments.retry, arguments.types))
    # asyncio.TimeoutError is an OSError since Python 3.11 only.
    except (DBAPIError, OSError, asyncio.TimeoutError) as error:
        parser.exit(1, f"{parser.prog}: {explain(error)}\n")
    print(counted(left, "dead letter") + (" left" if arguments.retry else ""))
    return 1 if arguments.retry and left else 0


async def go_through(
    open_consumer: OpenConsumer, retry: bool, types: Sequence[str]
) -> int:
    """List the dead letters of these types, or all; handle them again if asked.

    The number of dead letters left.
    """
    async with open_consumer() as consumer:
        async with consumer.unit_of_work() as transaction:
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
                outcome = await consumer.rehandle(dead_letter.position)
            except Exception as error:
                left += 1
                print(f"{name(dead_letter)}: still dead: {explain(error)}")
            else:
                print(f"{name(dead_letter)}: {outcome.value}")
        return left


def of_type(dead_letter: DeadLetter, types: Sequence[str]) -> bool:
    envelope = dead_letter.envelope
    return not types or (isinstance(envelope, dict) and envelope.get("type") in types)


def name(dead_letter: DeadLetter) -> str:
    return f"{dead_letter.position} {describe(dead_letter.envelope)}"


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
