"""Answers for what goes wrong: the client's fault, or the database's.

A refused body gets 422 with what was wrong and where, never the value
itself: it may be 64 KiB long, or ``NaN``, which JSON cannot spell.
"""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


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


def install_error_handlers(app: FastAPI) -> None:
    """Answer 422 as this module says, on every route of ``app``."""
    app.add_exception_handler(RequestValidationError, refuse_invalid)
