"""An OTLP/HTTP collector of the tests' own: what the processes export, kept."""

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

# The spans of one trace, each with the name of the service that sent it.
Trace = list[tuple[str, Span]]


@dataclass
class Collector:
    """An OTLP/HTTP collector of the test's own, on the loopback."""

    url: str
    requests: "queue.Queue[ExportTraceServiceRequest]"
    received: dict[str, list[Span]] = field(default_factory=dict)

    def spans(self) -> dict[str, list[Span]]:
        """The spans received so far, by the name of the service that sent them."""
        while not self.requests.empty():
            for resource_spans in self.requests.get().resource_spans:
                attributes = resource_spans.resource.attributes
                [service] = [
                    a.value.string_value for a in attributes if a.key == "service.name"
                ]
                for scope_spans in resource_spans.scope_spans:
                    self.received.setdefault(service, []).extend(scope_spans.spans)
        return self.received

    def wait_for_trace(self, root: str, spans: int, timeout: float) -> Trace:
        """The trace whose root span is called ``root``, once it has ``spans`` spans."""
        deadline = time.monotonic() + timeout
        while len(trace := trace_of(self.spans(), root)) < spans:
            if time.monotonic() > deadline:
                received = [
                    f"{span.name} ({service})"
                    for service, kept in self.spans().items()
                    for span in kept
                ]
                raise AssertionError(
                    f"not {spans} spans in the trace of {root!r} in {timeout} s; "
                    f"received: {', '.join(received) or 'nothing'}"
                )
            time.sleep(0.1)
        return trace


@contextlib.contextmanager
def collecting() -> Iterator[Collector]:
    """A collector on a free port of the loopback, until the block ends."""
    requests: queue.Queue[ExportTraceServiceRequest] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            requests.put(request)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads what it received."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Collector(f"http://127.0.0.1:{server.server_port}/v1/traces", requests)
    finally:
        server.shutdown()
        server.server_close()


def trace_of(spans: dict[str, list[Span]], root: str) -> Trace:
    """Every span of the trace whose root span is called ``root``, with its service.

    Empty while the root has not been received.
    """
    every = [(service, span) for service, kept in spans.items() for span in kept]
    roots = {span.trace_id for _, span in every if span.name == root}
    if not roots:
        return []
    assert len(roots) == 1, f"{len(roots)} traces start with {root!r}, not one"
    [trace_id] = roots
    return [(service, span) for service, span in every if span.trace_id == trace_id]


def outline(trace: Trace, timed: bool = True) -> str:
    """A trace as a tree: each span, its service, when it started, how long it took.

    The children of a span come in the order of the work: the span that
    sends an envelope first, then those that handle it, by service.
    """
    children: dict[bytes, Trace] = {}
    for service, span in trace:
        children.setdefault(span.parent_span_id, []).append((service, span))
    lines: list[str] = []

    def add(service: str, span: Span, depth: int, started: int) -> None:
        line = f"{'  ' * depth + span.name:<40} {service:<15}"
        if timed:
            start = (span.start_time_unix_nano - started) / 1e6
            took = (span.end_time_unix_nano - span.start_time_unix_nano) / 1e6
            line += f" +{start:.1f} ms, {took:.1f} ms"
        lines.append(line.rstrip())
        for child in sorted(children.get(span.span_id, []), key=work_order):
            add(*child, depth + 1, started)

    for service, root in children.get(b"", []):
        add(service, root, 0, root.start_time_unix_nano)
    return "\n".join(lines)


def work_order(child: tuple[str, Span]) -> tuple[bool, str, str]:
    service, span = child
    return (span.kind != Span.SPAN_KIND_PRODUCER, service, span.name)
