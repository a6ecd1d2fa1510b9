"""What relays count, in the registry their process serves.

A relay counts under the name of its outbox's table (``schema.name`` if
the table has a schema), so that two relays in one process are told
apart. A relay given no metrics counts in a registry of its own, that its
process serves: a process that only builds a relay, as the web API does
through ``bootstrap``, shows no series it never counts.
"""

from prometheus_client import CollectorRegistry, Counter, Gauge

# Each series has the label ``outbox``: the full name of the relay's table.
LABELS = ["outbox"]


class RelayMetrics:
    """The series of relays, in one registry.

    Make one for a registry, and give it to each relay that counts there:
    a registry refuses two series of the same name.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = CollectorRegistry() if registry is None else registry
        self.sent = Counter(
            "outbox_relay_sent_total",
            "Envelopes the relay has sent to the event stream.",
            LABELS,
            registry=self.registry,
        )
        self.failed = Counter(
            "outbox_relay_failed_total",
            "Failed attempts to send an envelope, the last one included.",
            LABELS,
            registry=self.registry,
        )
        self.dead = Counter(
            "outbox_relay_dead_total",
            "Envelopes parked as dead after their last failed attempt.",
            LABELS,
            registry=self.registry,
        )
        self.oldest_pending = Gauge(
            "outbox_relay_oldest_pending_seconds",
            "Age of the oldest message that waits to be sent; 0 when none waits.",
            LABELS,
            registry=self.registry,
        )
