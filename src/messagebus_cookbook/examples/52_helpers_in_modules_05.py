"""The club's HTTP API in a test: a book to post, keys, settings, and a client."""

from httpx import ASGITransport, AsyncClient

from http_edges.auth import hash_key
from reading_club.bootstrap import ReadingClub
from reading_club.entrypoints.web import create_app
from reading_club.settings import Settings

DOMAIN_DRIVEN_DESIGN_BODY = {
    "title": "Domain Driven Design",
    "authors": ["Eric Evans"],
    "isbn": "0-321-12521-5",
}


# Keys for the tests only: one may register books, the other may not.
LIBRARIAN_KEY = "the librarian's key, for the tests"
READER_KEY = "a reader's key, for the tests"
API_KEYS = {hash_key(LIBRARIAN_KEY): ["books:write"], hash_key(READER_KEY): []}


def club_settings(**settings: object) -> Settings:
    """The club's settings for a test, with the keys of the tests."""
    return Settings.model_validate({"api_keys": API_KEYS, **settings})


def client_of(club: ReadingClub, key: str | None = LIBRARIAN_KEY) -> AsyncClient:
    """A client of the club's app, called in this process, without a server.

    It sends ``key`` with every request, or no key at all.
    """
    return AsyncClient(
        transport=ASGITransport(app=create_app(club)),
        base_url="http://club.test",
        headers={} if key is None else {"Authorization": f"Bearer {key}"},
    )
