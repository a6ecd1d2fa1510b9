"""The commands that declare each service's exchange and queues on the broker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reading_club.adapters.eventstream import CeleryBatchTransport, create_celery_app
from tests.real_servers.rabbitmq import free_port

pytestmark = pytest.mark.broker

PROJECT = Path(__file__).parents[3]
DECLARED = {
    "reading_club": [
        "declared exchange reading_club.events (topic)",
        "declared queue reading_club, bound for #",
    ],
    "reviews": [
        "declared queue reviews, bound for book_registered_v1, book_registered_v2",
        "declared exchange reviews.events (topic)",
    ],
}
ENVELOPE = {
    "id": "0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e02",
    "created_at": "2026-11-29T09:00:00+00:00",
    "type": "book_registered_v2",
    "payload": "{}",
}


def topology(service: str, broker_url: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m SERVICE.topology`` on that broker."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("READING_CLUB_", "REVIEWS_"))
    }
    environment[f"{service.upper()}_BROKER_URL"] = broker_url
    return subprocess.run(
        [sys.executable, "-m", f"{service}.entrypoints.topology"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("service", ["reading_club", "reviews"])
async def test_the_topology_is_declared_and_declared_again(
    service: str, rabbitmq_url: str
) -> None:
    first = topology(service, rabbitmq_url)
    again = topology(service, rabbitmq_url)
    transport = CeleryBatchTransport(create_celery_app(rabbitmq_url))

    assert first.stdout.splitlines() == DECLARED[service], first.stderr
    assert again.stdout == first.stdout
    # The club's stream reaches a queue now: the broker confirms the send.
    assert await transport.send_batch([ENVELOPE]) == [None]


def test_a_broker_out_of_reach_is_one_line() -> None:
    absent = f"amqp://guest:guest@127.0.0.1:{free_port()}//"

    declared = topology("reviews", absent)

    assert declared.returncode == 1
    assert declared.stderr.startswith(
        "python -m reviews.entrypoints.topology: cannot reach the broker: "
    )
    assert len(declared.stderr.splitlines()) == 1
