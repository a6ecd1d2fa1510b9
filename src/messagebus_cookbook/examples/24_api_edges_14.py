"""Who may write: bearer tokens, checked against the hashes of the keys in the settings.

A key is 32 random bytes, not a password: SHA-256 is enough to keep it out
of the settings, where a slow hash would only slow every request. To use an
identity provider instead, replace ``require`` with a dependency that
verifies its tokens (a JWT against the provider's keys) and maps their
scopes to the same rights.
"""

import argparse
import hashlib
import json
import secrets
from collections.abc import Collection, Mapping, Sequence
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from http_edges.errors import Refusal

bearer = HTTPBearer(auto_error=False, description="an API key of the service")

# What a route that requires a right may answer besides its own responses.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Refusal, "description": "No API key, or an unknown one"},
    403: {"model": Refusal, "description": "The API key lacks the right"},
}


def hash_key(key: str) -> str:
    """What the settings keep of ``key``."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeys:
    """The rights of each key, known by the hash of the key only."""

    def __init__(self, rights_by_hash: Mapping[str, Collection[str]]) -> None:
        self.rights_by_hash = {
            digest: frozenset(rights) for digest, rights in rights_by_hash.items()
        }

    def rights_of(self, key: str) -> frozenset[str] | None:
        """The rights of ``key``, or ``None`` for a key nobody was given."""
        return self.rights_by_hash.get(hash_key(key))


def require(right: str) -> Any:
    """A dependency that lets a request through only with a key that has ``right``.

    The app keeps its keys in ``app.state.api_keys``.
    """

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if credentials is None:
            raise HTTPException(
                401, "an API key is needed", headers={"WWW-Authenticate": "Bearer"}
            )
        keys: ApiKeys = request.app.state.api_keys
        rights = keys.rights_of(credentials.credentials)
        if rights is None:
            raise HTTPException(
                401,
                "this API key is unknown",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if right not in rights:
            raise HTTPException(403, f"this API key lacks the right {right!r}")
        # Who asks: the idempotency keys of one client never meet another's.
        request.state.client = hash_key(credentials.credentials)

    return Depends(check)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m http_edges.auth",
        description="Make a new API key with these rights: print the key, for "
        "its client, and the entry of the settings that lets it in.",
    )
    parser.add_argument("rights", nargs="+", metavar="RIGHT")
    arguments = parser.parse_args(argv)
    key = secrets.token_urlsafe(32)
    print(f"key: {key}")
    print(f"settings entry: {json.dumps({hash_key(key): arguments.rights})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
