"""The outbox table of a service, and how a published message gets into it."""

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from messagebus import AsyncAbstractMessageStoreRepository, Message
from messagebus.service.eventstream import MessageSerializer
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    Uuid,
    func,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from transactional_outbox.tracing import attributes, trace_context, tracer


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC, read back aware and in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone")
        return value.astimezone(timezone.utc)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # SQLite keeps no time zone; what it gives back was stored in UTC.
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    """The outbox, in the metadata of a service's tables, by the name it chooses."""
    return Table(
        name,
        metadata,
        # The order of the inserts (SQLite numbers INTEGER primary keys only).
        Column(
            "position",
            BigInteger().with_variant(Integer, "sqlite"),
            Identity(),
            primary_key=True,
        ),
        Column("message_id", Uuid, nullable=False, unique=True),
        # The rows of one key are sent in order: the events of a model share its id.
        Column("stream_key", String, nullable=False),
        Column("envelope", JSON, nullable=False),
        Column("status", String, nullable=False, server_default="pending"),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column(
            "next_attempt_at", UTCDateTime, nullable=False, server_default=func.now()
        ),
        Column("last_error", String),
        Column("sent_at", UTCDateTime),
        # What the relay looks for: the pending rows, by key and position.
        Index(
            f"{name}_pending",
            "stream_key",
            "position",
            postgresql_where=text("status = 'pending'"),
        ),
    )


class NoStreamKey(LookupError):
    """A published message without a key: its type has none, or its key is None."""


# Fields every message has, which would give each message a stream of its own.
MESSAGE_FIELDS = frozenset({"message_id", "created_at", "metadata"})


class StreamKeys:
    """What orders a stream: for each type of message published, its key field.

    The messages of one key are sent in the order they were written, so a
    key is the id of what the messages change: a book, an order, an item.
    A type left out is an error when it is written, never a key made up.
    """

    def __init__(self, fields: Mapping[type[Message[Any]], str]) -> None:
        for message_type, field in fields.items():
            name = message_type.__name__
            if field not in message_type.model_fields or field in MESSAGE_FIELDS:
                raise ValueError(f"{name} has no field {field!r} to key its stream")
            if not message_type.model_fields["metadata"].default.published:
                raise ValueError(f"{name} is not published: it needs no stream key")
        self._fields = dict(fields)

    def __call__(self, message: Message[Any]) -> str:
        name = type(message).__name__
        try:
            field = self._fields[type(message)]
        except KeyError:
            raise NoStreamKey(
                f"{name} has no stream key: name the field of its key in the"
                " service's StreamKeys"
            ) from None
        key = getattr(message, field)
        if key is None:
            raise NoStreamKey(f"{name}.{field}, its stream key, is None")
        return str(key)


async def add_to_outbox(
    connection: AsyncConnection,
    outbox: Table,
    message: Message[Any],
    *,
    key: str,
    correlation_id: str | None = None,
) -> None:
    """Write the envelope of a message, on the connection of its transaction.

    ``key`` orders the stream: the relay sends the rows of one key in the
    order they are written. The metadata names the work that made the
    message, ``correlation_id``, and the key of what it changed. A message
    made by no request starts a trail of its own: its id is its correlation
    id. When the process traces its work, the metadata carries the trace of
    the write too.
    """
    envelope = dict(MessageSerializer().serialize_message(message))
    with tracer.start_as_current_span(
        f"outbox add {envelope['type']}", attributes=attributes(envelope)
    ):
        envelope["metadata"] = {
            "correlation_id": correlation_id or str(message.message_id),
            "aggregate_id": key,
            # The relay's send, and each service's handling, join this trace.
            **trace_context(),
        }
        await connection.execute(
            outbox.insert().values(
                message_id=message.message_id, stream_key=key, envelope=envelope
            )
        )


class OutboxStore(AsyncAbstractMessageStoreRepository):
    """The message store of a unit of work: each published message, in the outbox.

    On the connection of the unit of work's transaction, the envelope is
    committed with the effect, or not at all. It has no publisher: nothing
    is sent at the commit, the relay sends the outbox. ``correlation_id``
    gives the id of the work at hand, if any.
    """

    def __init__(
        self,
        connection: AsyncConnection,
        outbox: Table,
        keys: StreamKeys,
        correlation_id: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__()
        self.connection = connection
        self.outbox = outbox
        self.keys = keys
        self.correlation_id = correlation_id

    async def _add(self, message: Message[Any]) -> None:
        if message.metadata.published:
            await add_to_outbox(
                self.connection,
                self.outbox,
                message,
                key=self.keys(message),
                correlation_id=self.correlation_id(),
            )


def log_fields(envelope: object) -> dict[str, str]:
    """What the log lines about an envelope carry: its ids, those it has.

    Envelopes written before they had metadata, and anything else that
    arrives, give what they have, never an error.
    """
    if not isinstance(envelope, dict):
        return {}
    metadata = envelope.get("metadata")
    fields = {
        "message_id": envelope.get("id"),
        **(metadata if isinstance(metadata, dict) else {}),
    }
    names = ("correlation_id", "aggregate_id", "message_id")
    return {
        name: value
        for name in names
        if isinstance(value := fields.get(name), str) and value
    }
