"""The relay's spans reach a collector, each in the trace of its envelope."""

import asyncio
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.domain.model import Book
from tests.conftest import Envelopes
from tests.uow_sqla.conftest import DOMAIN_DRIVEN_DESIGN, club_environment

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("engine", ["postgresql"], indirect=True),
    pytest.mark.parametrize("books", [[DOMAIN_DRIVEN_DESIGN]], indirect=True),
]


@dataclass
class Collector:
    """An OTLP/HTTP collector of the test's own, on the loopback."""

    url: str
    requests: "queue.Queue[ExportTraceServiceRequest]"

    def spans(self) -> dict[str, list[Span]]:
        """The spans received so far, by the name of the service that sent them."""
        found: dict[str, list[Span]] = {}
        while not self.requests.empty():
            for resource_spans in self.requests.get().resource_spans:
                attributes = resource_spans.resource.attributes
                [service] = [
                    a.value.string_value for a in attributes if a.key == "service.name"
                ]
                for scope_spans in resource_spans.scope_spans:
                    found.setdefault(service, []).extend(scope_spans.spans)
        return found


@pytest.fixture
def collector() -> Iterator[Collector]:
    received: queue.Queue[ExportTraceServiceRequest] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            received.put(request)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads what it received."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Collector(f"http://127.0.0.1:{server.server_port}/v1/traces", received)
    finally:
        server.shutdown()
        server.server_close()


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
        [sys.executable, "-m", "reading_club.relay"],
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
