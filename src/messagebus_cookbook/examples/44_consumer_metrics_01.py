"""What a consumer counts of the envelopes it takes from its queue."""

from datetime import datetime, timezone

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

from idempotent_consumer.consumer import Outcome

OUTCOMES = [*(outcome.value for outcome in Outcome), "retried"]


class ConsumerMetrics:
    """The series of what consumers take, each labelled with its queue.

    In ``registry``, the default one unless told. A process makes one and
    shares it between its queues: a registry refuses the same series
    twice, and a worker's pool serves the counts of every process from
    their files, whatever registry each series is in.
    """

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.envelopes = Counter(
            "consumer_envelopes_total",
            "Envelopes taken from a queue, by what became of them; retried: put "
            "back on the queue after a passing fault.",
            ["queue", "outcome"],
            registry=registry,
        )
        self.lag = Histogram(
            "consumer_lag_seconds",
            "Seconds from an event's creation by its publisher to the end of its "
            "handling here, duplicates and dead letters included.",
            ["queue"],
            buckets=[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
            registry=registry,
        )

    def start(self, queue: str) -> None:
        """Show each outcome of ``queue`` at 0 before its first envelope.

        Prometheus sees a counter grow only from its first value.
        """
        for outcome in OUTCOMES:
            self.envelopes.labels(queue, outcome)
        self.lag.labels(queue)

    def count(self, queue: str, envelope: object, outcome: Outcome) -> None:
        """Count what became of an envelope, and how late it was."""
        self.envelopes.labels(queue, outcome.value).inc()
        created_at = envelope.get("created_at") if isinstance(envelope, dict) else None
        try:
            created = datetime.fromisoformat(str(created_at))
        except ValueError:
            # Unreadable envelopes are dead letters: they are counted, not timed.
            return
        if created.tzinfo is not None:
            # Clocks differ a little between hosts: never less than none.
            late = (datetime.now(timezone.utc) - created).total_seconds()
            self.lag.labels(queue).observe(max(0.0, late))

    def count_retry(self, queue: str) -> None:
        """Count an envelope put back on ``queue``, to be tried again."""
        self.envelopes.labels(queue, "retried").inc()
