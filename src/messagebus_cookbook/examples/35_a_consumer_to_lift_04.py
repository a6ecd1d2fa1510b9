"""The inbox and the dead letters, as a unit of work holds them."""

import abc
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection


class AbstractInbox(abc.ABC):
    """The ids of the envelopes whose effect is done."""

    @abc.abstractmethod
    async def first_delivery(self, message_id: UUID, type: str) -> bool:
        """Record the envelope; False if it was recorded before."""


@dataclass(frozen=True)
class DeadLetter:
    """An envelope kept aside, with why it could not be handled."""

    position: int
    envelope: object
    error: str


class AbstractDeadLetters(abc.ABC):
    """Envelopes the service could not handle, kept with the reason."""

    @abc.abstractmethod
    async def add(self, envelope: object, error: str) -> None:
        """Keep an envelope that trying again would not handle."""

    @abc.abstractmethod
    async def all(self) -> list[DeadLetter]:
        """Every dead letter, the oldest first."""

    @abc.abstractmethod
    async def take(self, position: int) -> DeadLetter | None:
        """Remove a dead letter and give it; None if there is none there."""


class SQLInbox(AbstractInbox):
    """The inbox in a table of ``inbox_table``, on a transaction's connection."""

    def __init__(self, connection: AsyncConnection, table: Table) -> None:
        self.connection = connection
        self.table = table

    async def first_delivery(self, message_id: UUID, type: str) -> bool:
        # The primary key decides, even between two workers at the same time:
        # the second insert waits for the first transaction, then fails.
        try:
            await self.connection.execute(
                self.table.insert().values(message_id=message_id, type=type)
            )
        except IntegrityError as error:
            if is_unique_violation(error):
                return False
            raise
        return True


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the row's key was taken: not a NULL, nor a failed check."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return bool(sqlstate == "23505")
    # SQLite's words; its error codes reach Python only from Python 3.11 on.
    return "UNIQUE constraint failed" in str(error.orig)


class SQLDeadLetters(AbstractDeadLetters):
    """The dead letters in a table of ``dead_letters_table``."""

    def __init__(self, connection: AsyncConnection, table: Table) -> None:
        self.connection = connection
        self.table = table

    async def add(self, envelope: object, error: str) -> None:
        await self.connection.execute(
            self.table.insert().values(envelope=envelope, error=error)
        )

    async def all(self) -> list[DeadLetter]:
        result = await self.connection.execute(
            select(self.table).order_by(self.table.c.position)
        )
        return [DeadLetter(row.position, row.envelope, row.error) for row in result]

    async def take(self, position: int) -> DeadLetter | None:
        result = await self.connection.execute(
            delete(self.table)
            .where(self.table.c.position == position)
            .returning(self.table)
        )
        row = result.one_or_none()
        return (
            None if row is None else DeadLetter(row.position, row.envelope, row.error)
        )
