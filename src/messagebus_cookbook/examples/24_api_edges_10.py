"""A bound on the size of a request's body, enforced before the app parses it."""

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class LimitBodySize:
    """ASGI middleware: 413 for a request whose body has more than ``max_bytes``.

    A ``Content-Length`` over the bound is refused before a byte of the body
    is read; a body sent in chunks, without one, is counted as it arrives.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.detail = f"the body is larger than {max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            refusal = JSONResponse({"detail": self.detail}, status_code=413)
            await refusal(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised while the app reads the body: FastAPI lets an
                    # HTTPException through, to the app's handler.
                    raise HTTPException(413, self.detail)
            return message

        await self.app(scope, counted, send)
