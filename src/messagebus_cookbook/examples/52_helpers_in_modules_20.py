"""The relay's spans reach a collector, each in the trace of its envelope."""

import asyncio
import signal
import subprocess
import sys

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.domain.model import Book
from tests.otlp import Collector
from tests.reading_club.books import DOMAIN_DRIVEN_DESIGN
from tests.reading_club.processes import club_environment
from tests.streams import Envelopes

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("engine", ["postgresql"], indirect=True),
    pytest.mark.parametrize("books", [[DOMAIN_DRIVEN_DESIGN]], indirect=True),
]


async def test_the_relay_sends_its_spans_in_the_trace_of_each_envelope(
    books: list[Book],
    engine: AsyncEngine,
    broker_url: str,
    received: Envelopes,
    collector: Collector,
) -> None:
    environment = club_environment(
        engine, broker_url, OTLP_ENDPOINT=collector.url, RELAY_POLL_INTERVAL="0.1"
    )
    relay = subprocess.Popen(
        [sys.executable, "-m", "reading_club.entrypoints.relay"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        envelope = await asyncio.to_thread(received.get, timeout=15)
    finally:
        relay.send_signal(signal.SIGTERM)
        output, _ = await asyncio.to_thread(relay.communicate, timeout=10)

    assert relay.returncode == 0, output
    # Its batch of spans was sent as the relay stopped, if not before.
    [sent] = collector.spans()["club-relay"]
    assert sent.name == "send book_registered_v2"
    # The trace of the envelope's write, as its metadata says: a child of it.
    _, trace_id, parent_id, _ = envelope["metadata"]["traceparent"].split("-")
    assert (sent.trace_id.hex(), sent.parent_span_id.hex()) == (trace_id, parent_id)
