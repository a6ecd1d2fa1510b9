"""Where the spans of a process go: an OTLP endpoint, or nowhere."""

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

# Seconds an export may wait for the collector: spans are sent in batches,
# from a thread of their own, and dropped after that.
EXPORT_TIMEOUT = 5.0


def configure(service: str, otlp_endpoint: str | None) -> None:
    """Send the spans of the process to ``otlp_endpoint``, named as ``service``.

    Without an endpoint, the process records nothing: every span it starts
    is a no-op of OpenTelemetry's API, and no envelope carries a trace.
    The spans still in the batch are sent when the process exits.
    """
    if otlp_endpoint is None:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    exporter = OTLPSpanExporter(endpoint=otlp_endpoint, timeout=EXPORT_TIMEOUT)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)


def flush() -> None:
    """Send the spans the batch still holds, each export within its timeout.

    For a process that a signal ends, or a pool's child that exits without
    Python's exit handlers: the others flush on exit.
    """
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.force_flush(timeout_millis=int(EXPORT_TIMEOUT * 1000))
