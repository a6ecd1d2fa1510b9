"""The messages that change the reading club."""

from uuid import UUID

from lastuuid import uuid7
from messagebus import Command, Event, Field, Metadata

from reading_club.domain.isbn import Isbn


class RegisterBook(Command):
    """Ask the reading club to register a new book by one author."""

    id: UUID = Field(default_factory=uuid7)
    title: str
    author: str
    isbn: Isbn
    metadata: Metadata = Metadata(name="register_book", schema_version=1)


class RegisterBookV2(Command):
    """Ask the reading club to register a new book, by one author or more."""

    id: UUID = Field(default_factory=uuid7)
    title: str
    authors: list[str] = Field(min_length=1)
    isbn: Isbn
    metadata: Metadata = Metadata(name="register_book", schema_version=2)


class BookRegistered(Event):
    """The reading club has registered a new book."""

    id: UUID
    isbn: Isbn
    title: str
    authors: list[str] = Field(min_length=1)
    metadata: Metadata = Metadata(
        name="book_registered",
        schema_version=2,
        published=True,
    )
