"""The messages of the reviews service, those it hears from the club included.

``BookRegistered`` is the service's own reading of the envelopes that the
reading club publishes: the two services share the envelope's format, never
code.
"""

from uuid import UUID

from messagebus import Event, Metadata


class BookRegistered(Event):
    """The reading club has registered a new book."""

    id: UUID
    isbn: str
    title: str
    authors: list[str]
    metadata: Metadata = Metadata(name="book_registered", schema_version=2)
