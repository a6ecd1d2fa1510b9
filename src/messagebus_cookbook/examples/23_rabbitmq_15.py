import asyncio
import os
import signal
import time

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.eventstream import create_celery_app
from reviews.worker import QUEUE
from tests.reviews.conftest import StartWorker, publish, registered, rows
from transactional_outbox.stream import declare

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True),
]

# Seconds for a killed worker's envelopes to take effect in the next one.
BOUND = 10


async def test_a_killed_workers_envelopes_come_back_at_once(
    envelope: dict[str, str],
    rabbitmq_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
    start_reviews_worker: StartWorker,
) -> None:
    declare(create_celery_app(rabbitmq_url), [QUEUE])
    envelopes = [registered(number, envelope) for number in range(1, 51)]
    for sent in envelopes:
        await publish(rabbitmq_url, sent)
    killed = start_reviews_worker(reviews_database, rabbitmq_url)
    await killed.wait_for(": handled")

    # The worker and its pool, at once: no chance to hand anything back.
    os.killpg(killed.process.pid, signal.SIGKILL)
    killed.process.wait()
    deadline = time.monotonic() + BOUND
    worker = start_reviews_worker(reviews_database, rabbitmq_url)
    while len((found := await rows(reviews_engine))["books"]) < len(envelopes):
        if time.monotonic() > deadline:
            pytest.fail(f"{BOUND} s after the kill, {len(found['books'])} books of 50")
        await asyncio.sleep(0.1)
    status = worker.stop()

    assert len(found["inbox"]) == len(envelopes)
    assert found["dead_letters"] == []
    assert status == 0
