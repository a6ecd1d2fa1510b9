"""The messages that change the reading club."""

from uuid import UUID

from lastuuid import uuid7
from messagebus import Command, Event, Field, Metadata

from reading_club.domain.isbn import Isbn


class RegisterBook(Command):
    """Ask the reading club to register a new book."""

    id: UUID = Field(default_factory=uuid7)
    title: str
    author: str
    isbn: Isbn
    metadata: Metadata = Metadata(name="register_book", schema_version=1)


class BookRegistered(Event):
    """The reading club has registered a new book."""

    id: UUID
    isbn: Isbn
    title: str
    author: str
    metadata: Metadata = Metadata(
        name="book_registered",
        schema_version=1,
        published=True,
    )
