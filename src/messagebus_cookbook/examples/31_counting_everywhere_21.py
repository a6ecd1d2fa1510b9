"""Liveness and readiness: what a supervisor and a load balancer ask of an API.

``GET /health/live`` answers as long as the process serves requests: restart
it when it does not. ``GET /health/ready`` runs the app's checks at once,
each within the app's timeout, and answers 200 when all pass, 503 otherwise,
naming what each check found: send the API traffic only while it is 200.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client import Gauge
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# Seconds each check may take: a load balancer asks again soon.
CHECK_TIMEOUT = 2.0

Check = Callable[[], Awaitable[object]]

logger = logging.getLogger(__name__)

# What the load balancer was last told, for Prometheus: it cannot ask the
# API itself. In a pool of processes, the last answer any of them gave.
CHECK_PASSED = Gauge(
    "health_check_passed",
    "1 when the readiness check passed when last asked, 0 when it failed.",
    ["check"],
    multiprocess_mode="mostrecent",
)


class Liveness(BaseModel):
    """The process serves requests."""

    status: Literal["alive"] = "alive"


class Readiness(BaseModel):
    """Whether the API can serve, and what each check found."""

    status: Literal["ready", "unready"]
    checks: dict[str, str] = Field(
        description="ok, or why the check failed", examples=[{"database": "ok"}]
    )


router = APIRouter(prefix="/health", tags=["health"])


def install_checks(
    app: FastAPI, checks: Mapping[str, Check], timeout: float = CHECK_TIMEOUT
) -> None:
    """The checks that ``/health/ready`` runs for ``app``, by name."""
    app.state.health_checks = dict(checks)
    app.state.health_check_timeout = timeout


def database_check(engine: AsyncEngine) -> Check:
    """A check that the database answers a query on a new or pooled connection."""

    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


@router.get("/live")
async def live() -> Liveness:
    """Whether the process serves requests."""
    return Liveness()


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A check failed"}},
)
async def ready(request: Request) -> JSONResponse:
    """Whether every dependency of the API answers in time."""
    checks: dict[str, Check] = request.app.state.health_checks
    timeout: float = request.app.state.health_check_timeout
    outcomes = await asyncio.gather(
        *(outcome(name, check, timeout) for name, check in checks.items())
    )
    found = dict(zip(checks, outcomes, strict=True))
    for name, what in found.items():
        CHECK_PASSED.labels(name).set(what == "ok")
    passed = all(what == "ok" for what in found.values())
    readiness = Readiness(status="ready" if passed else "unready", checks=found)
    return JSONResponse(readiness.model_dump(), status_code=200 if passed else 503)


async def outcome(name: str, check: Check, timeout: float) -> str:
    """What a check found: ok, or why it failed (the error's class, not its text)."""
    try:
        await asyncio.wait_for(check(), timeout)
    except asyncio.TimeoutError:
        logger.warning("%s: no answer within %s s", name, timeout)
        return f"no answer within {timeout} s"
    except Exception as error:
        # The text may name hosts and users: the log has it, the answer not.
        logger.warning("%s: %s: %s", name, type(error).__name__, error)
        return f"failed: {type(error).__name__}"
    return "ok"
