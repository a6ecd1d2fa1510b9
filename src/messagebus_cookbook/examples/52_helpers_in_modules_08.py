"""The HTTP API, through an ASGI transport, on each database."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient
from lastuuid.dummies import uuidgen
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.bootstrap import bootstrap
from tests.reading_club.outbox import outbox_rows
from tests.reading_club.web import DOMAIN_DRIVEN_DESIGN_BODY, client_of, club_settings
from tests.streams import InMemoryEventstreamTransport


@pytest.fixture
async def client(
    engine: AsyncEngine, transport: InMemoryEventstreamTransport
) -> AsyncIterator[AsyncClient]:
    club = bootstrap(club_settings(), engine=engine, transport=transport)
    async with client_of(club) as client:
        yield client


async def test_a_registered_book_can_be_read(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    response = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)

    assert response.status_code == 201
    book_id = response.json()["id"]
    assert response.headers["Location"] == f"http://club.test/books/{book_id}"
    response = await client.get(response.headers["Location"])
    assert response.status_code == 200
    assert response.json() == {
        "id": book_id,
        "title": "Domain Driven Design",
        "authors": ["Eric Evans"],
        "isbn": "9780321125217",
    }
    # Committed with the book, the event waits for the relay.
    assert [
        (row["envelope"]["type"], row["status"]) for row in await outbox_rows(engine)
    ] == [("book_registered_v2", "pending")]


async def test_an_isbn_registered_twice_is_a_conflict(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    assert (
        await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)
    ).status_code == 201

    response = await client.post(
        "/books", json=DOMAIN_DRIVEN_DESIGN_BODY | {"isbn": "978-0-321-12521-7"}
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "the ISBN 9780321125217 is already registered"}
    assert len(await outbox_rows(engine)) == 1


def with_(**changes: object) -> str:
    """The JSON text of Domain Driven Design's body, with ``changes``."""
    return json.dumps(DOMAIN_DRIVEN_DESIGN_BODY | changes)


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        pytest.param(
            with_(isbn="0-321-12521-6"),
            "isbn",
            "Value error, '0-321-12521-6' is not an ISBN: wrong check digit",
            id="wrong check digit",
        ),
        pytest.param(
            with_(isbn="\u0660-\u0663\u0662\u0661-\u0661\u0662\u0665\u0662\u0661-5"),
            "isbn",
            "String should match pattern '^[0-9Xx -]{10,17}$'",
            id="Arabic-Indic digits",
        ),
        pytest.param(
            with_(isbn="\uff10-\uff13\uff12\uff11-\uff11\uff12\uff15\uff12\uff11-5"),
            "isbn",
            "String should match pattern '^[0-9Xx -]{10,17}$'",
            id="full-width digits",
        ),
        pytest.param(
            with_(title=" "),
            "title",
            "String should have at least 1 character",
            id="blank title",
        ),
        pytest.param(
            with_(title="x" * 301),
            "title",
            "String should have at most 300 characters",
            id="title too long",
        ),
        pytest.param(
            with_(title="Domain Driven Design\u0000"),
            "title",
            "Value error, control character '\\x00' is not allowed",
            id="NUL in title",
        ),
        pytest.param(
            with_(title="Domain\r\nDriven Design"),
            "title",
            "Value error, control character '\\r' is not allowed",
            id="line break in title",
        ),
        pytest.param(
            with_(authors=[]),
            "authors",
            "List should have at least 1 item after validation, not 0",
            id="no author",
        ),
        pytest.param(
            with_(authors=["Eric Evans"] * 21),
            "authors",
            "List should have at most 20 items after validation, not 21",
            id="too many authors",
        ),
        pytest.param(
            with_(authors=["Eric Evans\ud800"]),
            "authors.0",
            "Input should be a valid string, unable to parse raw data as a unicode "
            "string",
            id="lone surrogate in author",
        ),
        pytest.param(
            with_(title=float("nan")),
            "title",
            "Input should be a valid string",
            id="NaN title",
        ),
        pytest.param(
            with_(author="Eric Evans"),
            "author",
            "Extra inputs are not permitted",
            id="unknown field",
        ),
    ],
)
async def test_a_bad_book_is_unprocessable(
    client: AsyncClient, engine: AsyncEngine, body: str, field: str, problem: str
) -> None:
    response = await client.post(
        "/books", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert [
        (".".join(map(str, error["loc"][1:])), error["msg"])
        for error in response.json()["detail"]
    ] == [(field, problem)]
    assert await outbox_rows(engine) == []


async def test_an_unknown_book_is_not_found(client: AsyncClient) -> None:
    response = await client.get(f"/books/{uuidgen(1)}")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "no book has the id 00000001-0000-0000-0000-000000000000"
    }


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_the_openapi_schema_describes_each_answer(client: AsyncClient) -> None:
    schema: dict[str, Any] = (await client.get("/openapi.json")).json()

    operations = {
        (method.upper(), path): sorted(operation["responses"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert operations == {
        ("POST", "/books"): ["201", "400", "401", "403", "409", "413", "422", "503"],
        ("GET", "/books/{id}"): ["200", "404", "422", "503"],
        ("GET", "/health/live"): ["200"],
        ("GET", "/health/ready"): ["200", "503"],
    }
    created = schema["paths"]["/books"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]
    assert created["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegisteredBook"
    }
    unavailable = schema["paths"]["/books"]["post"]["responses"]["503"]
    assert list(unavailable["headers"]) == ["Retry-After"]
    new_book = schema["components"]["schemas"]["NewBook"]
    assert sorted(new_book["required"]) == ["authors", "isbn", "title"]
    assert new_book["properties"]["isbn"]["pattern"] == "^[0-9Xx -]{10,17}$"
    assert schema["components"]["securitySchemes"] == {
        "HTTPBearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "an API key of the service",
        }
    }


async def test_the_api_answers_while_the_broker_is_down(engine: AsyncEngine) -> None:
    # The club's own Celery transport, to a broker that does not exist.
    club = bootstrap(
        club_settings(broker_url="redis+socket:///nowhere/redis.socket"),
        engine=engine,
    )
    async with client_of(club) as client:
        response = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)
    rows = await outbox_rows(engine)
    await club.close()

    assert response.status_code == 201
    assert [row["status"] for row in rows] == ["pending"]
