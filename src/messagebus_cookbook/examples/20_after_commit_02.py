"""The messages of the reviews service, those it hears from the club included.

``BookRegistered`` is the service's own reading of the envelopes that the
reading club publishes: the two services share the envelope's format, never
code.
"""

from typing import Annotated
from uuid import UUID

from lastuuid import uuid7
from messagebus import Command, Event, Field, Metadata
from pydantic import EmailStr, StringConstraints

# What a reviewer may write: something, and not a whole book.
Reviewer = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
ReviewText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)
]


class BookRegistered(Event):
    """The reading club has registered a new book."""

    id: UUID
    isbn: str
    title: str
    authors: list[str]
    metadata: Metadata = Metadata(name="book_registered", schema_version=2)


class AddReview(Command):
    """A reviewer rates a book from 1 to 5, and says why."""

    id: UUID = Field(default_factory=uuid7)
    book_id: UUID
    reviewer: Reviewer
    rating: int = Field(ge=1, le=5)
    text: ReviewText
    # Where to tell the reviewer that the review counts; it is never published.
    reviewer_email: EmailStr | None = None
    metadata: Metadata = Metadata(name="add_review", schema_version=1)


class BookReviewed(Event):
    """A reviewer has reviewed a book: the service publishes it."""

    id: UUID
    book_id: UUID
    reviewer: str
    rating: int = Field(ge=1, le=5)
    text: str
    metadata: Metadata = Metadata(
        name="book_reviewed",
        schema_version=1,
        published=True,
    )
