"""The reviews service counts as the club does, in every process of its worker."""

from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from process_metrics.serving import POOL_FOLDER
from tests.metrics import samples, value
from tests.real_servers.ports import free_port
from tests.reviews.club_stream import publish
from tests.reviews.envelopes import registered
from tests.reviews.processes import StartWorker

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True),
]

BOOKS = 10


async def test_the_worker_serves_what_its_pool_counted(
    envelope: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
    start_reviews_worker: StartWorker,
    tmp_path: Path,
) -> None:
    port = free_port()
    worker = start_reviews_worker(
        reviews_database,
        broker_url,
        "--metrics-port",
        str(port),
        environment={POOL_FOLDER: str(tmp_path)},
    )
    # Bound to the stream once ready: an envelope sent before finds no queue.
    await worker.wait_for(" ready.")
    for number in range(1, BOOKS + 1):
        await publish(broker_url, registered(number, envelope))
    await publish(broker_url, registered(1, envelope))
    await publish(broker_url, {**registered(99, envelope), "payload": "{}"})
    await worker.wait_for(": handled", times=BOOKS)
    await worker.wait_for(": duplicate")
    await worker.wait_for(": dead_lettered")

    scraped = samples(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)

    outcomes = [
        (
            outcome,
            value(
                scraped, "consumer_envelopes_total", queue="reviews", outcome=outcome
            ),
        )
        for outcome in ("handled", "duplicate", "dead_lettered", "retried")
    ]
    assert outcomes == [
        ("handled", BOOKS),
        ("duplicate", 1),
        ("dead_lettered", 1),
        ("retried", 0),
    ]
    # Each envelope that was done with, in time since its creation.
    assert value(scraped, "consumer_lag_seconds_count", queue="reviews") == BOOKS + 2
    handled = "messagebus_messages_processed_total"
    assert value(scraped, handled, name="book_registered", version="2") == BOOKS
