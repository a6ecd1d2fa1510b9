import asyncio
import json
import time
from pathlib import Path

import pytest
from lastuuid.dummies import uuidgen
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.reviews.club_stream import publish
from tests.reviews.processes import StartWorker
from tests.reviews.tables import rows

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True),
]


async def test_a_worker_killed_before_its_ack_has_the_effect_once(
    envelope: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
    start_reviews_worker: StartWorker,
    tmp_path: Path,
) -> None:
    worker = start_reviews_worker(
        reviews_database,
        broker_url,
        str(tmp_path / "died"),
        module="tests.reviews.dying_worker",
    )
    await worker.wait_for(" ready.")

    await publish(broker_url, envelope)
    printed = await worker.wait_for(f"{envelope['id']}: duplicate")
    status = worker.stop()
    found = await rows(reviews_engine)

    assert "WorkerLostError" in printed, "the process did not die"
    assert printed.count(f"{envelope['id']}: handled") == 1
    assert len(found["books"]) == 1
    assert len(found["inbox"]) == 1
    assert status == 0


async def test_the_workers_of_a_service_share_its_queue(
    envelope: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
    start_reviews_worker: StartWorker,
) -> None:
    workers = [start_reviews_worker(reviews_database, broker_url) for _ in range(2)]
    for worker in workers:
        await worker.wait_for(" ready.")
    # Twenty books registered by the club, one envelope each.
    envelopes = [
        {
            **envelope,
            "id": str(uuidgen(100 + number)),
            "payload": json.dumps(
                {
                    "id": str(uuidgen(number)),
                    "isbn": "9780321125217",
                    "title": f"Book {number}",
                    "authors": ["Eric Evans"],
                }
            ),
        }
        for number in range(1, 21)
    ]

    for sent in envelopes:
        await publish(broker_url, sent)
    deadline = time.monotonic() + 20
    while (printed := "".join(w.output() for w in workers)).count(": handled") < 20:
        assert time.monotonic() < deadline, "the envelopes were not all handled"
        await asyncio.sleep(0.1)
    # Both at once: each worker takes seconds to stop its pool of processes.
    statuses = await asyncio.gather(*(asyncio.to_thread(w.stop) for w in workers))
    printed = "".join(worker.output() for worker in workers)
    found = await rows(reviews_engine)

    for sent in envelopes:
        assert printed.count(f"{sent['id']}: handled") == 1
    assert ": duplicate" not in printed, "an envelope went to both workers"
    assert len(found["books"]) == 20
    assert statuses == [0, 0]
