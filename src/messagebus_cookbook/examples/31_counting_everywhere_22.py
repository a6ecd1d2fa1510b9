"""Liveness and readiness of an API, with checks that pass, fail and hang."""

import asyncio
import logging
import time
from collections.abc import Mapping

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from prometheus_client import REGISTRY

from http_edges.health import Check, install_checks, router


async def passes() -> None:
    return None


async def fails() -> None:
    raise ConnectionRefusedError("connect call failed ('10.0.0.7', 5432)")


async def hangs() -> None:
    await asyncio.sleep(3600)


def client_of(checks: Mapping[str, Check], timeout: float = 0.1) -> AsyncClient:
    """A client of an app with these checks, each given ``timeout`` seconds."""
    app = FastAPI()
    install_checks(app, checks, timeout=timeout)
    app.include_router(router)
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://api.test")


async def test_an_api_whose_checks_pass_is_ready() -> None:
    async with client_of({"database": passes, "broker": passes}) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "broker": "ok"},
    }


async def test_readiness_names_what_failed(caplog: pytest.LogCaptureFixture) -> None:
    checks = {"database": fails, "broker": hangs, "cache": passes}

    with caplog.at_level(logging.WARNING):
        async with client_of(checks) as client:
            response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unready",
        "checks": {
            "database": "failed: ConnectionRefusedError",
            "broker": "no answer within 0.1 s",
            "cache": "ok",
        },
    }
    # The address is in the log, for you; never in the answer.
    assert "10.0.0.7" in caplog.text
    assert "10.0.0.7" not in response.text


async def test_prometheus_reads_what_each_check_last_found() -> None:
    async with client_of({"database": passes, "broker": fails}) as client:
        await client.get("/health/ready")

    def passed(check: str) -> float | None:
        return REGISTRY.get_sample_value("health_check_passed", {"check": check})

    assert (passed("database"), passed("broker")) == (1.0, 0.0)


async def test_the_checks_run_at_once() -> None:
    async with client_of({"database": hangs, "broker": hangs}, timeout=0.5) as client:
        started = time.monotonic()
        response = await client.get("/health/ready")

    assert response.status_code == 503
    # One after the other, they would take a second.
    assert time.monotonic() - started < 0.9


async def test_a_process_that_serves_is_alive_whatever_its_checks_say() -> None:
    async with client_of({"database": fails}) as client:
        response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
