"""What a relay counts, in a registry of its own.

The relay's process serves this registry; a process that only imports the
relay, as the web API does through ``bootstrap``, does not show series it
never counts. The series are made once per process, when the module is
imported: a registry refuses two series of the same name.
"""

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry()
SENT = Counter(
    "outbox_relay_sent_total",
    "Envelopes the relay has sent to the event stream.",
    registry=REGISTRY,
)
FAILED = Counter(
    "outbox_relay_failed_total",
    "Failed attempts to send an envelope, the last one included.",
    registry=REGISTRY,
)
DEAD = Counter(
    "outbox_relay_dead_total",
    "Envelopes parked as dead after their last failed attempt.",
    registry=REGISTRY,
)
OLDEST_PENDING = Gauge(
    "outbox_relay_oldest_pending_seconds",
    "Age of the oldest message that waits to be sent; 0 when none waits.",
    registry=REGISTRY,
)
