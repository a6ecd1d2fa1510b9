"""What a relay counts, in prometheus_client's default registry.

A relay runs in a process of its own: the counters of the process are the
relay's. They live here, once per process, since a registry refuses two
series of the same name.
"""

from prometheus_client import Counter, Gauge

SENT = Counter(
    "outbox_relay_sent_total",
    "Envelopes the relay has sent to the event stream.",
)
FAILED = Counter(
    "outbox_relay_failed_total",
    "Failed attempts to send an envelope; it is tried again later.",
)
DEAD = Counter(
    "outbox_relay_dead_total",
    "Envelopes parked as dead after their last failed attempt.",
)
OLDEST_PENDING = Gauge(
    "outbox_relay_oldest_pending_seconds",
    "Age of the oldest envelope that waits to be sent; 0 when none waits.",
)
