"""The checks a supervisor runs on the reviews service's relay and worker."""

import asyncio
import socket

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.reviews.processes import StartWorker
from tests.supervisor import NO_BROKER, check

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True),
]


async def test_the_relay_says_what_it_reaches(
    reviews_database: str, reviews_engine: AsyncEngine, broker_url: str
) -> None:
    database = {"REVIEWS_DATABASE_URL": reviews_database}

    # Two processes at once: each takes seconds to start.
    reached, unreached = await asyncio.gather(
        asyncio.to_thread(
            check,
            "reviews.entrypoints.relay",
            **database,
            REVIEWS_BROKER_URL=broker_url,
        ),
        asyncio.to_thread(
            check, "reviews.entrypoints.relay", **database, REVIEWS_BROKER_URL=NO_BROKER
        ),
    )

    assert reached[0] == 0
    # A Redis without persistence adds a warning to the broker's line.
    assert reached[1].startswith("database: ok, 0 row(s) pending\nbroker: ok")
    assert unreached == (
        1,
        "database: ok, 0 row(s) pending\n"
        "broker: unreachable: ConnectionError: Error 2 connecting to "
        "/nonexistent/redis.sock. No such file or directory.\n",
    )


async def test_the_worker_answers_while_it_runs(
    reviews_database: str, broker_url: str, start_reviews_worker: StartWorker
) -> None:
    settings = {
        "REVIEWS_DATABASE_URL": reviews_database,
        "REVIEWS_BROKER_URL": broker_url,
    }
    worker = start_reviews_worker(reviews_database, broker_url)
    await worker.wait_for(" ready.")

    running, unreached = await asyncio.gather(
        asyncio.to_thread(check, "reviews.entrypoints.worker", **settings),
        asyncio.to_thread(
            check,
            "reviews.entrypoints.worker",
            **settings | {"REVIEWS_BROKER_URL": NO_BROKER},
        ),
    )
    worker.stop()
    stopped = check("reviews.entrypoints.worker", **settings)

    name = f"reviews@{socket.gethostname()}"
    assert running == (0, f"{name}: ok\n")
    assert stopped == (1, f"{name}: no answer within 1 s\n")
    assert unreached[0] == 1
    assert unreached[1].startswith(f"{name}: the broker is unreachable: ")
