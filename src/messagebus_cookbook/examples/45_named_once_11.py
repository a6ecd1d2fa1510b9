"""Safe retries: a request sent again with its ``Idempotency-Key`` gets its answer.

``answer_once`` handles a write in one transaction: it replays the response
kept for the key, if any; otherwise it runs the effect and keeps the
response in the transaction of the effect. The same key sent with another
request is refused with 422. A key is kept as its client's (``client_key``):
the key a client chose never meets another client's.
"""

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from messagebus import AsyncAbstractUnitOfWork
from starlette.exceptions import HTTPException

from http_edges.kept_responses import KeptResponse, KeyTaken

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="a key of the client's choosing, unique per request: the "
        "same request sent again with it gets the first response",
    ),
]


def created_responses(what: str) -> dict[int | str, dict[str, Any]]:
    """The 201 of a route that creates ``what``, with the headers it answers."""
    return {
        201: {
            "headers": {
                "Location": {"description": f"the URL of the new {what}"},
                "Idempotent-Replayed": {
                    "description": "true when the answer is a kept one"
                },
            }
        }
    }


@dataclass(frozen=True)
class Answer:
    """What a write answers once its effect is committed."""

    status_code: int
    body: Any
    location: str | None = None


def client_key(request: Request, key: str | None) -> str | None:
    """``key``, as the client that sent it owns it: two clients may choose one key."""
    if key is None:
        return None
    client = getattr(request.state, "client", "anyone")
    return hashlib.sha256(f"{client}\n{key}".encode()).hexdigest()


async def fingerprint(request: Request) -> str:
    """The SHA-256 of the request's method, path and body."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(await request.body())
    return digest.hexdigest()


def respond(answer: Answer | KeptResponse, replayed: bool = False) -> JSONResponse:
    headers = {"Location": answer.location} if answer.location else {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)


def replay(kept: KeptResponse, fingerprint: str) -> JSONResponse:
    """The kept response again, if it answered the same request."""
    if kept.fingerprint != fingerprint:
        raise RequestValidationError(
            [
                {
                    "type": "idempotency_key_reused",
                    "loc": ("header", "Idempotency-Key"),
                    "msg": "this key was sent with another request before",
                }
            ]
        )
    return respond(kept, replayed=True)


async def answer_once(
    request: Request,
    idempotency_key: str | None,
    unit_of_work: Callable[[], AsyncAbstractUnitOfWork[Any, Any, Any]],
    effect: Callable[[Any], Awaitable[Answer]],
) -> JSONResponse:
    """Run ``effect`` in a transaction and answer, or replay the kept answer.

    ``request`` sent again with its ``idempotency_key`` gets the answer kept
    the first time. ``effect`` gets the transaction, and raises
    ``HTTPException`` to refuse: its transaction is rolled back. The unit of
    work has ``responses``.
    """
    key = client_key(request, idempotency_key)
    # Only a request with a key is ever compared with another.
    sent = "" if key is None else await fingerprint(request)
    refusal: HTTPException | KeyTaken
    async with unit_of_work() as transaction:
        kept = None if key is None else await transaction.responses.find(key)
        if kept is not None:
            await transaction.rollback()
            return replay(kept, sent)
        try:
            answer = await effect(transaction)
            if key is not None:
                await transaction.responses.keep(
                    KeptResponse(
                        key,
                        sent,
                        answer.status_code,
                        answer.body,
                        answer.location,
                    )
                )
        except (HTTPException, KeyTaken) as error:
            await transaction.rollback()
            refusal = error
        else:
            await transaction.commit()
            return respond(answer)
    if key is not None:
        # The same request, sent twice at once, may have been answered
        # meanwhile: its twin then failed on what the first one wrote.
        async with unit_of_work() as transaction:
            kept = await transaction.responses.find(key)
            await transaction.rollback()
        if kept is not None:
            return replay(kept, sent)
    raise refusal
