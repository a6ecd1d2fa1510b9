"""The correlation id of each HTTP request: the caller's, or a new one."""

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from structured_logs.context import bound

HEADER = "X-Correlation-ID"
# A caller's id goes into every log line of the request, and on to other
# services: a short token, or a new id instead.
ACCEPTED = re.compile(r"[A-Za-z0-9._-]{1,64}")


def correlation_id_of(headers: Headers) -> str:
    """The caller's id, if it is a short token; a new one otherwise."""
    given = headers.get(HEADER, "")
    if ACCEPTED.fullmatch(given):
        return given
    return str(uuid.uuid4())


class CorrelationIds:
    """ASGI middleware: each request's lines carry its id, and so does its answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = correlation_id_of(Headers(scope=scope))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = correlation_id
            await send(message)

        # The server writes its access line while the answer starts: in the block.
        with bound(correlation_id=correlation_id):
            await self.app(scope, receive, send_with_id)
