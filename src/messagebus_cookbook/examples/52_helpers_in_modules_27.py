"""The reviews service's HTTP API in a test: a review, keys, settings, a client."""

from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from http_edges.auth import hash_key
from reviews.bootstrap import bootstrap
from reviews.entrypoints.web import create_app
from reviews.settings import Settings
from tests.streams import InMemoryEventstreamTransport

ALICE_REVIEW = {
    "reviewer": "Alice",
    "rating": 5,
    "text": "The book that named the patterns.",
}


# Keys for the tests only: one may add reviews, the other may not.
REVIEWER_KEY = "a reviewer's key, for the tests"
READER_KEY = "a reader's key, for the tests"
API_KEYS = {hash_key(REVIEWER_KEY): ["reviews:write"], hash_key(READER_KEY): []}


def reviews_settings(**settings: object) -> Settings:
    """The service's settings for a test, with the keys of the tests."""
    return Settings.model_validate({"api_keys": API_KEYS, **settings})


def client_of(
    engine: AsyncEngine,
    settings: Settings | None = None,
    key: str | None = REVIEWER_KEY,
) -> AsyncClient:
    """A client of the service's app, called in this process, without a server.

    It sends ``key`` with every request, or no key at all.
    """
    service = bootstrap(
        settings or reviews_settings(),
        engine=engine,
        transport=InMemoryEventstreamTransport(),
    )
    return AsyncClient(
        transport=ASGITransport(app=create_app(service)),
        base_url="http://reviews.test",
        headers={} if key is None else {"Authorization": f"Bearer {key}"},
    )
