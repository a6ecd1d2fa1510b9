"""The inbox and the dead letters of a consumer, in the tables of its service."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Identity,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    func,
)


def inbox_table(metadata: MetaData, name: str = "inbox") -> Table:
    """The envelopes whose effect is committed: one row per message id."""
    return Table(
        name,
        metadata,
        Column("message_id", Uuid, primary_key=True),
        # The type it came with: which versions still arrive.
        Column("type", String, nullable=False),
        Column(
            "received_at",
            DateTime(timezone=True),
            nullable=False,
            server_default=func.now(),
        ),
    )


def dead_letters_table(metadata: MetaData, name: str = "dead_letters") -> Table:
    """The envelopes kept aside, with why, in the order they came."""
    return Table(
        name,
        metadata,
        # SQLite numbers INTEGER primary keys only.
        Column(
            "position",
            BigInteger().with_variant(Integer, "sqlite"),
            Identity(),
            primary_key=True,
        ),
        Column("envelope", JSON, nullable=False),
        Column("error", Text, nullable=False),
        Column(
            "received_at",
            DateTime(timezone=True),
            nullable=False,
            server_default=func.now(),
        ),
    )
