"""The tables of the reviews service, in a database of its own."""

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

from http_edges.kept_responses import kept_responses_table
from idempotent_consumer.tables import dead_letters_table, inbox_table
from reviews.domain.messages import BookReviewed

# The engine of these tables, the one of every service: imported from here.
from sql_database.engine import create_engine as create_engine
from transactional_outbox.table import StreamKeys, UTCDateTime, outbox_table

metadata = MetaData()

books = Table(
    "books",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String, nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("book_id", Uuid, ForeignKey("books.id"), nullable=False, index=True),
    Column("reviewer", String, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("text", Text, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_from_1_to_5"),
)

# The read model: one row per book, rewritten by each of its reviews.
review_summaries = Table(
    "review_summaries",
    metadata,
    Column("book_id", Uuid, primary_key=True),
    Column("title", String, nullable=False),
    Column("reviews", Integer, nullable=False),
    Column("rating_total", Integer, nullable=False),
    # The newest reviews, as the API gives them.
    Column("latest", JSON, nullable=False),
)

# What the service publishes, written in the transaction of its effect.
outbox = outbox_table(metadata)
# The events of a review reach the stream in the order they were written.
stream_keys = StreamKeys({BookReviewed: "id"})

# The envelopes whose effect is committed, and those kept aside.
inbox = inbox_table(metadata)
dead_letters = dead_letters_table(metadata)

# The first response to each Idempotency-Key, kept with its review.
kept_responses = kept_responses_table(metadata)

# The mails sent to each address in each period, to bound them.
mail_quota = Table(
    "mail_quota",
    metadata,
    Column("address", String(320), primary_key=True),
    Column("period_start", UTCDateTime, primary_key=True),
    Column("mails", Integer, nullable=False),
)
