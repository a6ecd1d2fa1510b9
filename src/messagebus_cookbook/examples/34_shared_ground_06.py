"""The tables of the reading club, written with SQLAlchemy Core."""

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Uuid

from http_edges.kept_responses import kept_responses_table
from reading_club.domain.messages import BookRegistered

# The engine of these tables, the one of every service: imported from here.
from sql_database.engine import create_engine as create_engine
from transactional_outbox.table import StreamKeys, UTCDateTime, outbox_table

metadata = MetaData()

books = Table(
    "books",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String, nullable=False),
    Column("authors", JSON, nullable=False),
    Column("isbn", String, nullable=False, unique=True),
)

messages = Table(
    "messages",
    metadata,
    Column("message_id", Uuid, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("name", String, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
)

outbox = outbox_table(metadata)
# The events of a book reach the stream in the order they were written.
stream_keys = StreamKeys({BookRegistered: "id"})

kept_responses = kept_responses_table(metadata)
