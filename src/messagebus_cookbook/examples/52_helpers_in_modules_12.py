"""The club's API keeps its OpenAPI contract, whatever a client sends.

schemathesis reads the schema the app publishes, makes requests from it,
valid and invalid, and checks every answer against it.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from schemathesis import Case
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.bootstrap import bootstrap
from reading_club.entrypoints.web import create_app
from tests.api_contract import check_contract, examples, schema_of
from tests.http_server import serving
from tests.reading_club.web import LIBRARIAN_KEY, club_settings
from tests.streams import InMemoryEventstreamTransport

# The schema depends on the routes only: a club that connects to nothing.
schema = schema_of(
    create_app(bootstrap(club_settings(), transport=InMemoryEventstreamTransport()))
)


@pytest.fixture
def club_url(
    postgresql_engine: AsyncEngine, transport: InMemoryEventstreamTransport
) -> Iterator[str]:
    """The club's API on PostgreSQL, served by uvicorn in a thread."""
    club = bootstrap(club_settings(), engine=postgresql_engine, transport=transport)
    with serving(create_app(club)) as url:
        yield url


@schema.parametrize()
@examples
def test_the_api_keeps_its_contract(club_url: str, case: Case[Any]) -> None:
    check_contract(case, club_url, LIBRARIAN_KEY)
