"""The models of the reading club."""

from uuid import UUID

from messagebus import Model


class Book(Model):
    """A book that the club's reviewers can review."""

    id: UUID
    title: str
    author: str
    isbn: str
