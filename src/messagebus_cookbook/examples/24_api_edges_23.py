"""What the club's API refuses, and what it answers when the fault is not yours."""

import http.client
import json
import logging
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from httpx import AsyncClient
from lastuuid.dummies import uuidgen
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.uow_sqla.orm import create_engine
from reading_club.bootstrap import bootstrap
from reading_club.web import MAX_BODY_SIZE, create_app
from tests.conftest import InMemoryEventstreamTransport
from tests.http_server import serving
from tests.uow_sqla.conftest import outbox_rows
from tests.uow_sqla.test_web import (
    DOMAIN_DRIVEN_DESIGN_BODY,
    READER_KEY,
    client_of,
    club_settings,
)


@pytest.fixture
async def client(
    engine: AsyncEngine, transport: InMemoryEventstreamTransport
) -> AsyncIterator[AsyncClient]:
    club = bootstrap(club_settings(), engine=engine, transport=transport)
    async with client_of(club) as client:
        yield client


async def test_a_body_too_large_is_refused_unread(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    body = json.dumps(DOMAIN_DRIVEN_DESIGN_BODY | {"title": "x" * MAX_BODY_SIZE})
    response = await client.post(
        "/books", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "the body is larger than 65536 bytes"}
    assert await outbox_rows(engine) == []


async def test_a_body_too_large_is_refused_in_chunks_too(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: the API counts the bytes as they come.
        for _ in range(MAX_BODY_SIZE // 1024 + 1):
            yield b" " * 1024

    response = await client.post(
        "/books", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert await outbox_rows(engine) == []


@pytest.mark.parametrize(
    ("key", "status_code", "detail"),
    [
        (None, 401, "an API key is needed"),
        ("a key nobody was given", 401, "this API key is unknown"),
        (READER_KEY, 403, "this API key lacks the right 'books:write'"),
    ],
)
async def test_a_write_needs_a_key_with_the_right(
    engine: AsyncEngine,
    transport: InMemoryEventstreamTransport,
    key: str | None,
    status_code: int,
    detail: str,
) -> None:
    club = bootstrap(club_settings(), engine=engine, transport=transport)
    async with client_of(club, key) as client:
        response = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)

    assert (response.status_code, response.json()) == (status_code, {"detail": detail})
    if status_code == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert await outbox_rows(engine) == []


async def test_a_read_needs_no_key(
    engine: AsyncEngine, transport: InMemoryEventstreamTransport
) -> None:
    club = bootstrap(club_settings(), engine=engine, transport=transport)
    async with client_of(club) as librarian:
        registered = await librarian.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)
    async with client_of(club, key=None) as anyone:
        response = await anyone.get(registered.headers["Location"])

    assert response.status_code == 200


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_database_that_is_down_is_a_503_on_a_connection_that_stays_open(
    transport: InMemoryEventstreamTransport, caplog: pytest.LogCaptureFixture
) -> None:
    # A PostgreSQL URL on a port where nothing listens.
    engine = create_engine(f"postgresql+asyncpg://club@127.0.0.1:{unused_port()}/club")
    club = bootstrap(club_settings(), engine=engine, transport=transport)

    with serving(create_app(club)) as url, caplog.at_level(logging.WARNING):
        # One HTTP connection, kept alive from one request to the next.
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=5)
        answers = []
        for _ in range(2):
            connection.request("GET", f"/books/{uuidgen(1)}")
            response = connection.getresponse()
            answers.append((response.status, response.getheader("Retry-After")))
            response.read()
        connection.close()

    assert answers == [(503, "1"), (503, "1")]
    # One line in the log for each request, without a traceback.
    logged = [record for record in caplog.records if record.name == "http_edges.errors"]
    assert len(logged) == 2
    for record in logged:
        assert record.exc_info is None
        assert record.getMessage().startswith(
            f"GET /books/{uuidgen(1)}: 503, the database is unavailable: "
        )
