"""The models of the reading club."""

from uuid import UUID

from messagebus import Model

from reading_club.domain.isbn import Isbn


class Book(Model):
    """A book that the club's reviewers can review."""

    id: UUID
    title: str
    authors: list[str]
    isbn: Isbn
