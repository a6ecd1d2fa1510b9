"""Every API on the chassis: its routes, health checks, limits and end."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from service_chassis.web import create_api
from tests.service_chassis.inventory import (
    Inventory,
    InventorySettings,
    bootstrap,
    router,
)


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client of the API, between the start and the stop of its server."""
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(
            transport=transport, base_url="http://api.test"
        ) as client:
            yield client


def inventory_api(inventory: Inventory, max_body_size: int = 1024) -> FastAPI:
    return create_api(inventory, router, title="Inventory", max_body_size=max_body_size)


async def test_the_api_serves_its_routes_and_its_health_checks() -> None:
    async with served(inventory_api(bootstrap(InventorySettings()))) as client:
        counted = await client.post("/skus/A-1/counts", json=[3, 4])
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")

    assert (counted.status_code, counted.json()) == (200, {"A-1": 7})
    assert live.status_code == 200
    assert (ready.status_code, ready.json()["checks"]) == (200, {"database": "ok"})


async def test_a_body_over_the_limit_is_refused_before_the_route() -> None:
    app = inventory_api(bootstrap(InventorySettings()), max_body_size=16)

    async with served(app) as client:
        refused = await client.post("/skus/A-1/counts", json=list(range(100)))

    assert refused.status_code == 413


async def test_a_method_the_route_does_not_take_is_named_in_allow() -> None:
    async with served(inventory_api(bootstrap(InventorySettings()))) as client:
        refused = await client.get("/skus/A-1/counts")

    assert (refused.status_code, refused.headers["allow"]) == (405, "POST")


async def test_the_service_is_closed_when_the_server_stops() -> None:
    inventory = bootstrap(InventorySettings())

    async with served(inventory_api(inventory)):
        assert inventory.closes == []

    assert inventory.closes == ["closed"]
