"""The HTTP API of a service: what every API has around its routes."""

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from http_edges.auth import ApiKeys
from http_edges.errors import install_error_handlers
from http_edges.health import database_check, install_checks
from http_edges.health import router as health_router
from http_edges.limits import LimitBodySize
from http_edges.server import add_arguments as add_server_arguments
from http_edges.server import serve as serve_api
from service_chassis.cli import CommandLine
from service_chassis.service import Service, TService, TSettings
from structured_logs.formatting import configure
from structured_logs.http import CorrelationIds
from tracing.provider import configure as configure_tracing
from tracing.provider import flush as flush_spans


def create_api(
    service: Service[Any, Any], router: APIRouter, *, title: str, max_body_size: int
) -> FastAPI:
    """The API of ``router`` and the health checks; ``service`` is closed at its end."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await service.close()
        # uvicorn ends the process by its signal, without exit handlers.
        flush_spans()

    app = FastAPI(title=title, version="0.1.0", lifespan=lifespan)
    app.add_middleware(LimitBodySize, max_bytes=max_body_size)
    # Added last, run first: every line of a request carries its id.
    app.add_middleware(CorrelationIds)
    app.state.service = service
    app.state.api_keys = ApiKeys(service.settings.api_keys)
    install_checks(app, {"database": database_check(service.engine)})
    # Liveness and readiness, beside the API's own routes; a 405 on any of
    # them names the methods of its path.
    app.include_router(router)
    app.include_router(health_router)
    install_error_handlers(app, router, health_router)
    # A span for each request, the health checks' aside: the trace's root.
    # Not one for each message of the ASGI protocol under it.
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="/health/", exclude_spans=["receive", "send"]
    )
    return app


def service_of(kind: type[TService]) -> Callable[[Request], TService]:
    """The dependency that gives a route the service the API was created with.

    A service names it with its own type, as
    ``Club = Annotated[ReadingClub, Depends(service_of(ReadingClub))]``.
    """

    def service(request: Request) -> TService:
        found = request.app.state.service
        if not isinstance(found, kind):
            served = type(found).__name__
            raise TypeError(f"the API serves {served}, not {kind.__name__}")
        return found

    return service


def app_for(
    settings: TSettings,
    bootstrap: Callable[[TSettings], TService],
    create_app: Callable[[TService], FastAPI],
    *,
    name: str,
) -> FastAPI:
    """The API of the service built from ``settings``, with logs and traces.

    uvicorn calls a service's factory of it in the process, or in each of
    its workers: processes of their own, which share no connection, and
    count apart.
    """
    configure(settings.log_format)
    configure_tracing(f"{name}-web", settings.otlp_endpoint)
    return create_app(bootstrap(settings))


def run_command(
    argv: Sequence[str] | None,
    command_line: CommandLine[TSettings],
    bootstrap: Callable[[TSettings], Service[TSettings, Any]],
    *,
    prog: str,
    description: str,
    app_factory: str,
    port: int,
) -> int:
    """The main of a service's web process: its arguments, its settings, its API."""
    parser = command_line.argument_parser(prog, description)
    add_server_arguments(parser, port=port)
    arguments = parser.parse_args(argv)
    # Read here first: a wrong setting stops the command, with its message.
    settings = command_line.read_settings(parser)
    configure(settings.log_format)
    # Built once here first: a service that cannot be built stops the
    # command, where uvicorn would start each failing worker again and again.
    service = command_line.build(parser, bootstrap, settings)
    asyncio.run(service.close())
    return serve_api(app_factory, arguments)
