"""Every API on the chassis: its routes, health checks, limits, keys and end."""

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from httpx import ASGITransport, AsyncClient

from http_edges.auth import hash_key
from service_chassis import web
from service_chassis.cli import CommandLine
from service_chassis.service import Service
from service_chassis.web import create_api, service_of
from tests.service_chassis.inventory import (
    Inventory,
    InventorySettings,
    bootstrap,
    router,
)

STOCKIST_KEY = "the stockist's key"
SETTINGS = InventorySettings(api_keys={hash_key(STOCKIST_KEY): ["stock:write"]})


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
    async with served(inventory_api(bootstrap(SETTINGS))) as client:
        counted = await client.post("/skus/A-1/counts", json=[3, 4])
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")

    assert (counted.status_code, counted.json()) == (201, {"A-1": 7})
    assert live.status_code == 200
    assert (ready.status_code, ready.json()["checks"]) == (200, {"database": "ok"})


async def test_a_body_over_the_limit_is_refused_with_its_correlation_id() -> None:
    app = inventory_api(bootstrap(SETTINGS), max_body_size=16)

    async with served(app) as client:
        refused = await client.post(
            "/skus/A-1/counts",
            json=list(range(100)),
            headers={"X-Correlation-Id": "count-of-aisle-4"},
        )

    assert refused.status_code == 413
    # The ids come first: even a refused request carries its own.
    assert refused.headers["X-Correlation-Id"] == "count-of-aisle-4"


async def test_a_405_names_the_methods_of_its_path_health_checks_included() -> None:
    async with served(inventory_api(bootstrap(SETTINGS))) as client:
        on_a_route = await client.get("/skus/A-1/counts")
        on_a_check = await client.post("/health/live")

    assert (on_a_route.status_code, on_a_route.headers["allow"]) == (405, "POST")
    assert (on_a_check.status_code, on_a_check.headers["allow"]) == (405, "GET")


async def test_a_route_that_requires_a_right_takes_the_keys_of_the_settings() -> None:
    async with served(inventory_api(bootstrap(SETTINGS))) as client:
        without_a_key = await client.post("/skus/A-1/write-offs?items=2")
        with_the_key = await client.post(
            "/skus/A-1/write-offs?items=2",
            headers={"Authorization": f"Bearer {STOCKIST_KEY}"},
        )

    assert without_a_key.status_code == 401
    assert (with_the_key.status_code, with_the_key.json()) == (200, {"A-1": -2})


async def test_the_service_is_closed_when_the_server_stops() -> None:
    inventory = bootstrap(SETTINGS)

    async with served(inventory_api(inventory)):
        assert inventory.closes == []

    assert inventory.closes == ["closed"]


async def test_a_route_gets_the_service_the_api_was_created_with() -> None:
    inventory = bootstrap(InventorySettings(low_stock=9))

    async with served(inventory_api(inventory)) as client:
        answer = await client.get("/low-stock")

    assert answer.json() == {"low_stock": 9}


@dataclass(frozen=True)
class Warehouse(Service[InventorySettings, Any]):
    """A service that is not the inventory."""


async def test_a_route_that_names_another_service_s_type_fails() -> None:
    router = APIRouter()

    @router.get("/aisles")
    async def aisles(
        warehouse: Annotated[Warehouse, Depends(service_of(Warehouse))],
    ) -> list[str]:
        return []

    app = create_api(bootstrap(SETTINGS), router, title="Stock", max_body_size=1024)
    async with served(app) as client:
        with pytest.raises(TypeError, match="serves Inventory, not Warehouse"):
            await client.get("/aisles")


def test_a_route_that_creates_documents_the_headers_of_its_201() -> None:
    schema = inventory_api(bootstrap(SETTINGS)).openapi()

    created = schema["paths"]["/skus/{sku}/counts"]["post"]["responses"]["201"]
    assert set(created["headers"]) == {"Location", "Idempotent-Replayed"}
    assert created["headers"]["Location"]["description"] == "the URL of the new count"


async def test_the_service_is_built_once_its_logs_and_traces_are_set_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    noted: list[str] = []
    monkeypatch.setattr(web, "configure", lambda format: noted.append(f"logs {format}"))
    monkeypatch.setattr(
        web,
        "configure_tracing",
        lambda name, endpoint: noted.append(f"traces of {name} to {endpoint}"),
    )

    def build(settings: InventorySettings) -> Inventory:
        noted.append("inventory built")
        return bootstrap(settings)

    def create_app(inventory: Inventory) -> FastAPI:
        noted.append(f"api with a low stock of {inventory.settings.low_stock}")
        return inventory_api(inventory)

    settings = InventorySettings(
        low_stock=9, log_format="text", otlp_endpoint="http://traces.test"
    )
    app = web.app_for(settings, build, create_app, name="inventory")
    async with served(app) as client:
        live = await client.get("/health/live")

    assert live.status_code == 200
    assert noted == [
        "logs text",
        "traces of inventory-web to http://traces.test",
        "inventory built",
        "api with a low stock of 9",
    ]


@pytest.mark.parametrize(
    ("argv", "port"), [([], 8100), (["--port", "9100"], 9100)], ids=["default", "given"]
)
def test_the_command_serves_the_factory_once_the_service_builds(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], port: int
) -> None:
    noted: list[str] = []
    built: list[Inventory] = []

    def serve_api(app_factory: str, arguments: argparse.Namespace) -> int:
        noted.append(f"{app_factory} on port {arguments.port}")
        return 0

    def build(settings: InventorySettings) -> Inventory:
        noted.append("inventory built")
        built.append(bootstrap(settings))
        return built[-1]

    monkeypatch.setattr(web, "configure", lambda format: noted.append(f"logs {format}"))
    monkeypatch.setattr(web, "serve_api", serve_api)
    monkeypatch.setenv("INVENTORY_LOG_FORMAT", "text")

    status = web.run_command(
        argv,
        CommandLine(InventorySettings),
        build,
        prog="inventory-web",
        description="Serve the inventory's API.",
        app_factory="inventory.web:app_from_environment",
        port=8100,
    )

    assert status == 0
    assert noted == [
        "logs text",
        "inventory built",
        f"inventory.web:app_from_environment on port {port}",
    ]
    assert built[0].closes == ["closed"]


def test_the_command_stops_on_a_wrong_setting_before_it_builds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def build(settings: InventorySettings) -> Inventory:
        raise AssertionError("built on a wrong setting")

    monkeypatch.setenv("INVENTORY_LOW_STOCK", "-1")

    with pytest.raises(SystemExit) as stopped:
        web.run_command(
            ["--port", "9100"],
            CommandLine(InventorySettings),
            build,
            prog="inventory-web",
            description="Serve the inventory's API.",
            app_factory="inventory.web:app_from_environment",
            port=8100,
        )

    assert stopped.value.code == 2
    assert "INVENTORY_LOW_STOCK" in capsys.readouterr().err


def test_the_command_stops_on_a_service_that_cannot_be_built(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def serve_api(app_factory: str, arguments: argparse.Namespace) -> int:
        raise AssertionError("served a service that cannot be built")

    monkeypatch.setattr(web, "serve_api", serve_api)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", "nosuchdatabase://db.test/stock")

    with pytest.raises(SystemExit) as stopped:
        web.run_command(
            [],
            CommandLine(InventorySettings),
            bootstrap,
            prog="inventory-web",
            description="Serve the inventory's API.",
            app_factory="inventory.web:app_from_environment",
            port=8100,
        )

    assert stopped.value.code == 2
    printed = capsys.readouterr().err
    assert "the service cannot be built: Can't load plugin" in printed
