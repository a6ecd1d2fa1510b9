"""The first response to each ``Idempotency-Key``, kept with its effect.

A service's unit of work gives its handlers and its API a
``KeptResponses`` repository on the connection of the transaction: the
response is kept if, and only if, the effect is committed.
"""

import abc
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True)
class KeptResponse:
    """What a request with an ``Idempotency-Key`` was answered."""

    key: str
    # The SHA-256 of the request's method, path and body.
    fingerprint: str
    status_code: int
    body: Any
    location: str | None = None


class KeyTaken(Exception):
    """Another request has kept a response under this key meanwhile."""


class AbstractKeptResponses(abc.ABC):
    @abc.abstractmethod
    async def find(self, key: str) -> KeptResponse | None:
        """The response kept under ``key``, if any."""

    @abc.abstractmethod
    async def keep(self, response: KeptResponse) -> None:
        """Keep ``response``; raise ``KeyTaken`` if its key is kept already."""


def kept_responses_table(metadata: MetaData, name: str = "kept_responses") -> Table:
    """The table of the kept responses, named ``name``, on ``metadata``."""
    return Table(
        name,
        metadata,
        Column("key", String(200), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("body", JSON, nullable=False),
        Column("location", Text, nullable=True),
    )


class SQLKeptResponses(AbstractKeptResponses):
    """Kept responses in ``table``, on the connection of a transaction."""

    def __init__(self, connection: AsyncConnection, table: Table) -> None:
        self.connection = connection
        self.table = table

    async def find(self, key: str) -> KeptResponse | None:
        result = await self.connection.execute(
            select(self.table).where(self.table.c.key == key)
        )
        row = result.one_or_none()
        if row is None:
            return None
        return KeptResponse(
            key=row.key,
            fingerprint=row.fingerprint,
            status_code=row.status_code,
            body=row.body,
            location=row.location,
        )

    async def keep(self, response: KeptResponse) -> None:
        try:
            async with self.connection.begin_nested():
                await self.connection.execute(
                    self.table.insert().values(
                        key=response.key,
                        fingerprint=response.fingerprint,
                        status_code=response.status_code,
                        body=response.body,
                        location=response.location,
                    )
                )
        except IntegrityError as error:
            raise KeyTaken(response.key) from error
