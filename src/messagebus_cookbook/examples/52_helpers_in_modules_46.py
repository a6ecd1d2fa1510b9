import asyncio
import os
import signal
import time

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.entrypoints.worker import QUEUE
from tests.reviews.club_stream import create_club_app, create_club_transport
from tests.reviews.envelopes import registered
from tests.reviews.processes import StartWorker
from tests.reviews.tables import rows
from transactional_outbox.stream import declare

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True),
]

# Workers killed in a row, each once it has handled an envelope; seconds
# for the envelopes they held to take effect in the next worker.
KILLS = 3
BOUND = 15


async def test_a_killed_workers_envelopes_come_back_at_once(
    envelope: dict[str, str],
    rabbitmq_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
    start_reviews_worker: StartWorker,
) -> None:
    # The club's stream, as its relay sends it, to the service's queue.
    app = create_club_app(rabbitmq_url)
    declare(app, [QUEUE])
    envelopes = [registered(number, envelope) for number in range(1, 301)]
    assert await create_club_transport(app).send_batch(envelopes) == [None] * 300

    for _ in range(KILLS):
        killed = start_reviews_worker(reviews_database, rabbitmq_url)
        await killed.wait_for(": handled")
        # The worker and its pool, at once: no chance to hand anything back.
        os.killpg(killed.process.pid, signal.SIGKILL)
        killed.process.wait()
    deadline = time.monotonic() + BOUND
    worker = start_reviews_worker(reviews_database, rabbitmq_url)
    while len((found := await rows(reviews_engine))["books"]) < len(envelopes):
        if time.monotonic() > deadline:
            pytest.fail(f"{BOUND} s after the last kill, {len(found['books'])} books")
        await asyncio.sleep(0.1)
    status = worker.stop()

    assert len(found["inbox"]) == len(envelopes)
    assert found["dead_letters"] == []
    assert status == 0
