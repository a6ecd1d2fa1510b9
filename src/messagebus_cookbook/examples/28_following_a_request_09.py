import logging
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI

from structured_logs.context import annotate
from structured_logs.http import CorrelationIds

logger = logging.getLogger("reading_club.tests")
BOOK_ID = "00000001-0000-0000-0000-000000000000"


def of_the_api(log_lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines of the API, without those of the client that calls it."""
    return [line for line in log_lines if line["logger"] == logger.name]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """An API that registers a book, with a line before and after it knows the id."""
    app = FastAPI()
    app.add_middleware(CorrelationIds)

    @app.post("/books", status_code=201)
    async def register_book() -> dict[str, str]:
        logger.info("registering a book")
        annotate(aggregate_id=BOOK_ID)
        logger.info("registered")
        return {"id": BOOK_ID}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://club") as client:
        yield client


async def test_each_request_gets_an_id_its_lines_and_its_answer_carry(
    client: httpx.AsyncClient, log_lines: list[dict[str, Any]]
) -> None:
    first = await client.post("/books")
    second = await client.post("/books")

    ids = [response.headers["X-Correlation-ID"] for response in (first, second)]
    assert ids[0] != ids[1]
    assert [line["correlation_id"] for line in of_the_api(log_lines)] == [
        ids[0]
    ] * 2 + [ids[1]] * 2
    # The id of the book, once known, is on the lines that follow.
    assert [line.get("aggregate_id") for line in of_the_api(log_lines)] == [
        None,
        BOOK_ID,
    ] * 2


async def test_a_callers_id_is_kept(
    client: httpx.AsyncClient, log_lines: list[dict[str, Any]]
) -> None:
    response = await client.post("/books", headers={"X-Correlation-ID": "order-42"})

    assert response.headers["X-Correlation-ID"] == "order-42"
    assert {line["correlation_id"] for line in of_the_api(log_lines)} == {"order-42"}


@pytest.mark.parametrize(
    "given",
    ["", "x" * 65, "two words", "order-42;drop", '{"level": "ERROR"}'],
    ids=["empty", "too long", "space", "semicolon", "json"],
)
async def test_any_other_id_is_replaced_by_a_new_one(
    client: httpx.AsyncClient, log_lines: list[dict[str, Any]], given: str
) -> None:
    response = await client.post("/books", headers={"X-Correlation-ID": given})

    new = response.headers["X-Correlation-ID"]
    assert UUID(new)
    assert {line["correlation_id"] for line in of_the_api(log_lines)} == {new}
