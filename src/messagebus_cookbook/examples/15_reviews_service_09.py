"""The models of the reviews service."""

from uuid import UUID

from messagebus import Model


class Book(Model):
    """A book of the reading club, as the reviews service knows it."""

    id: UUID
    title: str
