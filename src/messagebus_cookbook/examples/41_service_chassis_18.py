"""Answers for what goes wrong: the client's fault, or the database's.

A refused body gets 422 with what was wrong and where, without the input
itself: it may be 64 KiB long, or ``NaN``, which JSON cannot spell. A
database that is down or too slow gets 503 and a ``Retry-After``: the
request may work a moment later, and the connection stays open for it.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)

ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


class Refusal(BaseModel):
    """Why the service refused a request."""

    detail: str


# What any route that writes may answer besides its own responses.
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Refusal, "description": "The body is not JSON in UTF-8"},
    413: {"model": Refusal, "description": "The body is too large"},
    503: {
        "model": Refusal,
        "description": "The database is unavailable",
        "headers": {
            "Retry-After": {
                "description": "seconds to wait before trying again",
                "schema": {"type": "integer"},
            }
        },
    },
}
READ_RESPONSES: dict[int | str, dict[str, Any]] = {503: WRITE_RESPONSES[503]}

# Seconds a client is asked to wait before it tries again.
RETRY_AFTER = 1


async def refuse_invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(
        status_code=422,
        content={
            "detail": [
                {"type": problem["type"], "loc": problem["loc"], "msg": problem["msg"]}
                for problem in error.errors()
            ]
        },
    )


# The classes of SQLSTATE that say the database is away or busy, not that
# the request is wrong: connection exception (08), transaction rollback
# (40: deadlocks), insufficient resources (53: too many connections),
# operator intervention (57: shutting down, starting, statement timeout).
UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "57"})


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database is away or busy, not that we erred.

    What the database says decides, its SQLSTATE, not the class that the
    driver and SQLAlchemy wrap it in: asyncpg's errors of a server that
    shuts down reach us as a plain ``DBAPIError``. A connection that could
    not be made, or was lost, or timed out, says it too.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str):
            return sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES
        # asyncio.TimeoutError is an OSError since Python 3.11 only.
        if isinstance(current, PoolTimeoutError | OSError | asyncio.TimeoutError):
            return True
        orig = current.orig if isinstance(current, DBAPIError) else None
        current = orig if orig is not None else current.__cause__
    return False


async def unavailable(request: Request, error: Exception) -> JSONResponse:
    if not is_unavailable(error):
        raise error
    # One line: the traceback says nothing the error does not.
    logger.warning(
        "%s %s: 503, the database is unavailable: %s",
        request.method,
        request.url.path,
        str(error).splitlines()[0] if str(error) else type(error).__name__,
    )
    return JSONResponse(
        status_code=503,
        content={"detail": "the database is unavailable, try again later"},
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def allow_every_method(*routers: APIRouter) -> ExceptionHandler:
    """A handler of HTTP errors whose 405 names every method of the path.

    Starlette's ``Allow`` names the methods of the first route that matches
    the path only: ``POST`` for a path that has ``GET`` too.
    """

    async def handler(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if error.status_code == 405:
            methods: set[str] = set()
            for route in (route for router in routers for route in router.routes):
                match, _ = route.matches(request.scope)
                if match is not Match.NONE and isinstance(route, APIRoute):
                    methods |= route.methods or set()
            allow = ", ".join(sorted(methods))
            error.headers = {**(error.headers or {}), "Allow": allow}
        return await http_exception_handler(request, error)

    return handler


def install_error_handlers(app: FastAPI, *routers: APIRouter) -> None:
    """Answer 422, 503 and 405 as this module says, on the routes of ``routers``."""
    app.add_exception_handler(RequestValidationError, refuse_invalid)
    app.add_exception_handler(DBAPIError, unavailable)
    app.add_exception_handler(PoolTimeoutError, unavailable)
    app.add_exception_handler(OSError, unavailable)
    app.add_exception_handler(asyncio.TimeoutError, unavailable)
    app.add_exception_handler(HTTPException, allow_every_method(*routers))
