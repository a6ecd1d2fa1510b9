"""The spans of a test, as a collector would get them."""

import contextlib
import threading
from collections.abc import Iterator, Sequence

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)


class KeptSpans(SpanExporter):
    """Keeps the spans that end while a test asks for them; drops the others."""

    def __init__(self) -> None:
        self.spans: list[ReadableSpan] | None = None
        self.ended = threading.Condition()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        with self.ended:
            if self.spans is not None:
                self.spans.extend(spans)
            self.ended.notify_all()
        return SpanExportResult.SUCCESS

    @contextlib.contextmanager
    def kept(self) -> Iterator[list[ReadableSpan]]:
        """The spans that end in the block, in the order they end."""
        kept: list[ReadableSpan] = []
        with self.ended:
            self.spans = kept
        try:
            yield kept
        finally:
            with self.ended:
                self.spans = None

    def wait_for(self, name: str, timeout: float) -> ReadableSpan:
        """The first span of this name, as soon as it ends, in any thread."""
        with self.ended:
            found = self.ended.wait_for(
                lambda: any(span.name == name for span in self.spans or []),
                timeout,
            )
            if not found:
                names = [span.name for span in self.spans or []]
                raise AssertionError(f"no span {name!r} in {timeout} s: {names}")
            return next(span for span in self.spans or [] if span.name == name)


def trace_every_test() -> KeptSpans:
    """Trace the work of the tests, as a process with an OTLP endpoint does."""
    exporter = KeptSpans()
    provider = TracerProvider(resource=Resource.create({"service.name": "tests"}))
    # Each span is handed over when it ends, in the thread that ends it.
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


def ancestry(span: ReadableSpan, spans: Sequence[ReadableSpan]) -> list[str]:
    """The names of a span and of its parents, up to the root of its trace."""
    by_id = {kept.context.span_id: kept for kept in spans}
    names = [span.name]
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names
