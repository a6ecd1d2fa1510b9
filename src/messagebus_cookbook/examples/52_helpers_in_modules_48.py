"""Each API is ready while its database answers, and alive all along."""

from collections.abc import Callable

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters import orm as club_orm
from reading_club.bootstrap import bootstrap
from reviews.adapters import orm as reviews_orm
from tests.reading_club.web import client_of as club_client_of
from tests.reading_club.web import club_settings
from tests.real_servers.postgresql import RestartablePostgreSQL
from tests.reviews.web import client_of as reviews_client_of
from tests.streams import InMemoryEventstreamTransport

READY = {"status": "ready", "checks": {"database": "ok"}}


def club_client(url: str) -> tuple[AsyncEngine, AsyncClient]:
    engine = club_orm.create_engine(url)
    club = bootstrap(
        club_settings(), engine=engine, transport=InMemoryEventstreamTransport()
    )
    return engine, club_client_of(club, key=None)


def reviews_client(url: str) -> tuple[AsyncEngine, AsyncClient]:
    engine = reviews_orm.create_engine(url)
    return engine, reviews_client_of(engine, key=None)


@pytest.mark.parametrize(
    "client_of",
    [pytest.param(club_client, id="club"), pytest.param(reviews_client, id="reviews")],
)
async def test_readiness_follows_the_database(
    restartable_postgresql: RestartablePostgreSQL,
    client_of: Callable[[str], tuple[AsyncEngine, AsyncClient]],
) -> None:
    engine, client = client_of(restartable_postgresql.url)

    async with client:
        before = await client.get("/health/ready")
        async with restartable_postgresql.stopped():
            down = await client.get("/health/ready")
            alive = await client.get("/health/live")
        after = await client.get("/health/ready")
    await engine.dispose()

    assert (before.status_code, before.json()) == (200, READY)
    # The server's socket went with it.
    assert (down.status_code, down.json()) == (
        503,
        {"status": "unready", "checks": {"database": "failed: FileNotFoundError"}},
    )
    assert alive.status_code == 200
    assert (after.status_code, after.json()) == (200, READY)
