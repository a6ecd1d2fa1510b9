"""The models of the reviews service."""

from uuid import UUID

from messagebus import Model


class Book(Model):
    """A book of the reading club, as the reviews service knows it."""

    id: UUID
    title: str


class Review(Model):
    """What a reviewer thinks of a book: a rating from 1 to 5, and a text."""

    id: UUID
    book_id: UUID
    reviewer: str
    rating: int
    text: str
