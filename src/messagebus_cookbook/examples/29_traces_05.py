"""The trace an envelope belongs to: from the work that wrote it, to each handling.

The outbox writes the W3C trace context (``traceparent``) of the work in
hand into the envelope's metadata. The relay's send and each consumer's
handling join that trace: one trace links a request to every effect of
its messages, in every process. Without a tracer provider, OpenTelemetry's
API records nothing, and writes no context.
"""

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import (
    TraceContextTextMapPropagator,
)

tracer = trace.get_tracer("transactional_outbox")


# The W3C trace context only: a caller's baggage never reaches an envelope.
W3C = TraceContextTextMapPropagator()


def trace_context() -> dict[str, str]:
    """The ``traceparent`` of the current span, when this process records it.

    A process that records nothing writes nothing: not even the context of
    a caller's request, which an API takes as its request's parent.
    """
    carrier: dict[str, str] = {}
    if trace.get_current_span().is_recording():
        W3C.inject(carrier)
    return carrier


def context_of(envelope: object) -> Context:
    """The trace context an envelope carries, or an empty one."""
    metadata = envelope.get("metadata") if isinstance(envelope, Mapping) else None
    return W3C.extract(metadata if isinstance(metadata, Mapping) else {})


def attributes(envelope: object) -> dict[str, Any]:
    if not isinstance(envelope, Mapping):
        return {}
    return {
        "messaging.message.id": str(envelope.get("id")),
        "messaging.message.type": str(envelope.get("type")),
    }


@contextlib.contextmanager
def handling(envelope: object, operation: str = "handle") -> Iterator[trace.Span]:
    """A consumer's span for an envelope, in the trace the envelope carries."""
    type = envelope.get("type") if isinstance(envelope, Mapping) else None
    with tracer.start_as_current_span(
        f"{operation} {type}",
        context=context_of(envelope),
        kind=trace.SpanKind.CONSUMER,
        attributes=attributes(envelope),
    ) as span:
        yield span
