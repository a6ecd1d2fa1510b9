"""The envelopes of a stream, each handled once, the unreadable kept aside."""

import enum
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from messagebus import AsyncAbstractUnitOfWork, AsyncMessageBus

from idempotent_consumer.envelopes import EnvelopeReader, UnreadableEnvelope

# A service's unit of work, with an ``inbox`` (an AbstractInbox) and
# ``dead_letters`` (an AbstractDeadLetters) on its transaction's connection.
TUnitOfWork = TypeVar("TUnitOfWork", bound=AsyncAbstractUnitOfWork[Any, Any, Any])


class Outcome(enum.Enum):
    """What became of an envelope."""

    handled = "handled"
    duplicate = "duplicate"
    dead_lettered = "dead_lettered"


class Consumer(Generic[TUnitOfWork]):
    """Handles a service's envelopes on its bus, once each, in its unit of work."""

    def __init__(
        self,
        reader: EnvelopeReader,
        bus: AsyncMessageBus[TUnitOfWork],
        unit_of_work: Callable[[], TUnitOfWork],
    ) -> None:
        self.reader = reader
        self.bus = bus
        self.unit_of_work = unit_of_work

    async def consume(self, envelope: object) -> Outcome:
        """Handle an envelope once, whatever the number of its deliveries.

        The inbox records its id in the transaction of its effect: both are
        committed, or neither. An unreadable envelope is kept as a dead
        letter. Any other error raises, and nothing is committed: the caller
        tries again later, or keeps the envelope with ``keep_as_dead_letter``.
        """
        try:
            type, event = self.reader.read(envelope)
        except UnreadableEnvelope as error:
            return await self.keep_as_dead_letter(envelope, str(error))
        async with self.unit_of_work() as transaction:
            # The type it came with: the inbox tells which versions still arrive.
            if not await transaction.inbox.first_delivery(event.message_id, type):
                await transaction.rollback()
                return Outcome.duplicate
            # The bus handles events as well; its type hints name commands only.
            await self.bus.handle(event, transaction)  # type: ignore[arg-type]
            await transaction.commit()
        return Outcome.handled

    async def keep_as_dead_letter(self, envelope: object, reason: str) -> Outcome:
        """Keep an envelope that no retry will handle, with the reason."""
        async with self.unit_of_work() as transaction:
            await transaction.dead_letters.add(envelope, reason)
            await transaction.commit()
        return Outcome.dead_lettered

    async def rehandle(self, position: int) -> Outcome:
        """Handle a dead letter again, once what kept it aside is fixed.

        Its effect and its removal are one transaction. If it still fails,
        the error raises, nothing is committed, and the dead letter stays.
        LookupError if there is no dead letter at that position.
        """
        async with self.unit_of_work() as transaction:
            dead_letter = await transaction.dead_letters.take(position)
            if dead_letter is None:
                raise LookupError(f"no dead letter at position {position}")
            type, event = self.reader.read(dead_letter.envelope)
            if await transaction.inbox.first_delivery(event.message_id, type):
                # The bus handles events as well; its type hints name commands only.
                await self.bus.handle(event, transaction)  # type: ignore[arg-type]
                await transaction.commit()
                return Outcome.handled
            await transaction.rollback()
        # Its effect was committed before: only the dead letter goes.
        async with self.unit_of_work() as transaction:
            await transaction.dead_letters.take(position)
            await transaction.commit()
        return Outcome.duplicate
