"""What the club's API refuses, and what it answers when the fault is not yours."""

import asyncio
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

from http_edges.auth import hash_key
from reading_club.adapters.orm import create_engine
from reading_club.bootstrap import bootstrap
from reading_club.entrypoints.web import MAX_BODY_SIZE, create_app
from tests.http_server import serving
from tests.reading_club.outbox import outbox_rows
from tests.reading_club.web import (
    API_KEYS,
    DOMAIN_DRIVEN_DESIGN_BODY,
    READER_KEY,
    client_of,
    club_settings,
)
from tests.streams import InMemoryEventstreamTransport

# The key a client chose for its registration of Domain Driven Design.
REGISTRATION_KEY = "0193a8e4-7c52-7d1e-9f3a-5b6c2d8e4f10"


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


async def test_a_retried_registration_gets_the_first_answer(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    headers = {"Idempotency-Key": REGISTRATION_KEY}
    first = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY, headers=headers)
    again = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(await outbox_rows(engine)) == 1


async def test_a_key_sent_with_another_body_is_unprocessable(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    headers = {"Idempotency-Key": REGISTRATION_KEY}
    await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY, headers=headers)
    other = DOMAIN_DRIVEN_DESIGN_BODY | {"title": "Domain-Driven Design"}
    response = await client.post("/books", json=other, headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "idempotency_key_reused",
            "loc": ["header", "Idempotency-Key"],
            "msg": "this key was sent with another request before",
        }
    ]
    assert len(await outbox_rows(engine)) == 1


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_the_schema_documents_the_key_and_the_replays(
    client: AsyncClient,
) -> None:
    schema = (await client.get("/openapi.json")).json()

    register = schema["paths"]["/books"]["post"]
    assert [parameter["name"] for parameter in register["parameters"]] == [
        "Idempotency-Key"
    ]
    assert list(register["responses"]["201"]["headers"]) == [
        "Location",
        "Idempotent-Replayed",
    ]


async def test_two_clients_may_choose_the_same_key(
    engine: AsyncEngine, transport: InMemoryEventstreamTransport
) -> None:
    other_key = "another librarian's key, for the tests"
    settings = club_settings(api_keys=API_KEYS | {hash_key(other_key): ["books:write"]})
    club = bootstrap(settings, engine=engine, transport=transport)
    headers = {"Idempotency-Key": REGISTRATION_KEY}
    other_book = {
        "title": "Architecture Patterns with Python",
        "authors": ["Harry Percival", "Bob Gregory"],
        "isbn": "978-1-492-05220-3",
    }

    async with client_of(club) as librarian, client_of(club, other_key) as other:
        first = await librarian.post(
            "/books", json=DOMAIN_DRIVEN_DESIGN_BODY, headers=headers
        )
        second = await other.post("/books", json=other_book, headers=headers)

    # Neither sees the other's answer: each key belongs to its client.
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() != second.json()
    assert len(await outbox_rows(engine)) == 2


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_twins_sent_at_once_register_one_book(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    headers = {"Idempotency-Key": REGISTRATION_KEY}
    responses = await asyncio.gather(
        *(
            client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY, headers=headers)
            for _ in range(10)
        )
    )

    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    assert len(await outbox_rows(engine)) == 1


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_one_book_per_isbn_however_it_is_written(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    spellings = ["0-321-12521-5", "0321125215", "978-0-321-12521-7", "0 321 12521 5"]
    responses = await asyncio.gather(
        *(
            client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY | {"isbn": isbn})
            for isbn in spellings * 5
        )
    )

    assert sorted(response.status_code for response in responses) == [201] + [409] * 19
    assert len(await outbox_rows(engine)) == 1


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
