"""The reviews API keeps its OpenAPI contract, whatever a client sends."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from schemathesis import Case

from reviews.adapters.orm import create_engine, metadata
from reviews.bootstrap import bootstrap
from reviews.entrypoints.web import create_app
from tests.api_contract import check_contract, examples, schema_of
from tests.http_server import serving
from tests.reviews.web import REVIEWER_KEY, reviews_settings
from tests.streams import InMemoryEventstreamTransport

# The schema depends on the routes only: a service that connects to nothing.
schema = schema_of(
    create_app(bootstrap(reviews_settings(), transport=InMemoryEventstreamTransport()))
)


@pytest.fixture
async def reviews_url(postgresql_reviews_database: str) -> AsyncIterator[str]:
    """The service's API on PostgreSQL, served by uvicorn in a thread."""
    engine = create_engine(postgresql_reviews_database)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    # The server has an event loop of its own: no connection of this one.
    await engine.dispose()
    service = bootstrap(
        reviews_settings(),
        engine=engine,
        transport=InMemoryEventstreamTransport(),
    )
    with serving(create_app(service)) as url:
        yield url


@schema.parametrize()
@examples
def test_the_api_keeps_its_contract(reviews_url: str, case: Case[Any]) -> None:
    check_contract(case, reviews_url, REVIEWER_KEY)
