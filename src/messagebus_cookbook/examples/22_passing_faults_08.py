"""The envelopes of the stream, read back into events and handled once."""

import enum
import json
from collections.abc import Callable, Mapping
from typing import Any

from messagebus import AsyncMessageBus, Event

from reviews.domain.messages import BookRegistered
from reviews.service.unit_of_work import AbstractUnitOfWork

Payload = dict[str, Any]

# The versions the service handles: each envelope type, and the event it holds.
EVENTS: dict[str, type[Event]] = {"book_registered_v2": BookRegistered}


def book_registered_v1_to_v2(payload: Payload) -> Payload:
    """Version 1 named one author; version 2 has a list of them."""
    upcast = dict(payload)
    upcast["authors"] = [upcast.pop("author")]
    return upcast


# The older versions the service still reads: each one's next version, and
# how to turn the payload into it. A version leaves this table when none of
# its envelopes can arrive anymore.
UPCASTERS: dict[str, tuple[str, Callable[[Payload], Payload]]] = {
    "book_registered_v1": ("book_registered_v2", book_registered_v1_to_v2),
}
# What the service subscribes to.
READ_TYPES = [*UPCASTERS, *EVENTS]


class UnreadableEnvelope(ValueError):
    """An envelope that no retry will make readable."""


class Outcome(enum.Enum):
    """What became of an envelope."""

    handled = "handled"
    duplicate = "duplicate"
    dead_lettered = "dead_lettered"


def describe(envelope: object) -> str:
    """An envelope in a log line: its type and its id, never its payload."""
    if isinstance(envelope, dict):
        return f"{envelope.get('type')} {envelope.get('id')}"
    return f"an envelope of type {type(envelope).__name__}"


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def read_envelope(envelope: object) -> tuple[str, Event]:
    """The envelope's type, and its event in the latest version handled.

    UnreadableEnvelope if there is none.
    """
    if not isinstance(envelope, Mapping):
        raise UnreadableEnvelope(f"not an envelope: {envelope!r:.100}")
    type = envelope.get("type")
    if not isinstance(type, str) or type not in READ_TYPES:
        raise UnreadableEnvelope(
            f"unknown type {type!r}: the service reads {', '.join(READ_TYPES)}"
        )
    try:
        latest, fields = upcast(type, json.loads(envelope["payload"]))
        return type, EVENTS[latest].model_validate(
            {
                **fields,
                "message_id": envelope["id"],
                "created_at": envelope["created_at"],
            }
        )
    except (KeyError, TypeError, ValueError) as error:
        # A pydantic ValidationError, and a JSONDecodeError, are ValueErrors.
        raise UnreadableEnvelope(
            f"{type} does not validate: {type_name(error)}: {one_line(error)}"
        ) from error


def upcast(type: str, payload: Payload) -> tuple[str, Payload]:
    """The payload in the latest version the service handles, and its type."""
    while type in UPCASTERS:
        type, step = UPCASTERS[type]
        payload = step(payload)
    return type, payload


def type_name(error: Exception) -> str:
    return error.__class__.__name__


async def consume(
    envelope: object,
    bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
) -> Outcome:
    """Handle an envelope once, whatever the number of its deliveries.

    The inbox records its id in the transaction of its effect: both are
    committed, or neither. An unreadable envelope is kept as a dead letter.
    Any other error raises, and nothing is committed: the caller tries again
    later, or keeps the envelope with ``keep_as_dead_letter``.
    """
    try:
        type, event = read_envelope(envelope)
    except UnreadableEnvelope as error:
        return await keep_as_dead_letter(envelope, str(error), unit_of_work)
    async with unit_of_work() as transaction:
        # The type it came with: the inbox tells which versions still arrive.
        if not await transaction.inbox.first_delivery(event.message_id, type):
            await transaction.rollback()
            return Outcome.duplicate
        # The bus handles events as well; its type hints name commands only.
        await bus.handle(event, transaction)  # type: ignore[arg-type]
        await transaction.commit()
    return Outcome.handled


async def keep_as_dead_letter(
    envelope: object,
    reason: str,
    unit_of_work: Callable[[], AbstractUnitOfWork],
) -> Outcome:
    """Keep an envelope that no retry will handle, with the reason."""
    async with unit_of_work() as transaction:
        await transaction.dead_letters.add(envelope, reason)
        await transaction.commit()
    return Outcome.dead_lettered


async def rehandle(
    position: int,
    bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
) -> Outcome:
    """Handle a dead letter again, once what kept it aside is fixed.

    Its effect and its removal are one transaction. If it still fails, the
    error raises, nothing is committed, and the dead letter stays.
    LookupError if there is no dead letter at that position.
    """
    async with unit_of_work() as transaction:
        dead_letter = await transaction.dead_letters.take(position)
        if dead_letter is None:
            raise LookupError(f"no dead letter at position {position}")
        type, event = read_envelope(dead_letter.envelope)
        if await transaction.inbox.first_delivery(event.message_id, type):
            # The bus handles events as well; its type hints name commands only.
            await bus.handle(event, transaction)  # type: ignore[arg-type]
            await transaction.commit()
            return Outcome.handled
        await transaction.rollback()
    # Its effect was committed before: only the dead letter goes.
    async with unit_of_work() as transaction:
        await transaction.dead_letters.take(position)
        await transaction.commit()
    return Outcome.duplicate
