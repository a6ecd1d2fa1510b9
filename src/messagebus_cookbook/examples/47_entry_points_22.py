"""Send the club's API what it refuses, and print what it answers.

The API runs as ``python -m reading_club.entrypoints.web`` does in production, with a
key made for this run, and a database URL where no server listens: every
request but the last is refused before it needs the database.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

import httpx

from http_edges.auth import hash_key

BOOK = {
    "title": "Domain Driven Design",
    "authors": ["Eric Evans"],
    "isbn": "0-321-12521-5",
}
# 0-321-12521-5, written with Arabic-Indic digits but the check digit.
ARABIC_INDIC = "\u0660\u0663\u0662\u0661\u0661\u0662\u0665\u0662\u06615"
# Seconds the server may take to start.
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start_web(port: int, key: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "READING_CLUB_API_KEYS": json.dumps({hash_key(key): ["books:write"]}),
        "READING_CLUB_DATABASE_URL": f"postgresql+asyncpg://club@127.0.0.1:{free_port()}/club",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "reading_club.entrypoints.web", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    key = secrets.token_urlsafe(32)
    port = free_port()
    web = start_web(port, key)
    bearer = {"Authorization": f"Bearer {key}"}
    json_body = {**bearer, "Content-Type": "application/json"}
    requests = [
        ("no key", {}, json.dumps(BOOK)),
        ("an unknown key", {"Authorization": "Bearer guess"}, json.dumps(BOOK)),
        ("a title with NUL", json_body, json.dumps(BOOK | {"title": "Domain\u0000"})),
        ("a NaN title", json_body, json.dumps(BOOK | {"title": float("nan")})),
        ("an unknown field", json_body, json.dumps(BOOK | {"rating": 5})),
        ("Arabic-Indic digits", json_body, json.dumps(BOOK | {"isbn": ARABIC_INDIC})),
        ("a long title", json_body, json.dumps(BOOK | {"title": "x" * 100_000})),
        ("a valid book", json_body, json.dumps(BOOK)),
    ]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    client.get("/openapi.json")
                    break
                except httpx.TransportError as error:
                    if web.poll() is not None or time.monotonic() > deadline:
                        message = "python -m reading_club.entrypoints.web did not start"
                        raise SystemExit(message) from error
                    time.sleep(0.1)
            for what, headers, body in requests:
                response = client.post("/books", content=body, headers=headers)
                print(f"POST /books with {what}: {response.status_code}")
                print(f"  {response.text}")
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=10)


if __name__ == "__main__":
    main()
