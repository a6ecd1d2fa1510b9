"""What a consumer counts of the envelopes it takes from its stream."""

from datetime import datetime, timezone

from prometheus_client import Counter, Histogram

from idempotent_consumer.consumer import Outcome

ENVELOPES = Counter(
    "consumer_envelopes_total",
    "Envelopes taken from the stream, by what became of them; retried: put "
    "back on the queue after a passing fault.",
    ["outcome"],
)
# Each outcome from the start, at 0: Prometheus sees a counter grow only
# from its first value.
OUTCOMES = [*(outcome.value for outcome in Outcome), "retried"]
for name in OUTCOMES:
    ENVELOPES.labels(name)

LAG = Histogram(
    "consumer_lag_seconds",
    "Seconds from an event's creation by its publisher to the end of its "
    "handling here, duplicates and dead letters included.",
    buckets=[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
)


def count(envelope: object, outcome: Outcome) -> None:
    """Count what became of an envelope, and how late it was."""
    ENVELOPES.labels(outcome.value).inc()
    created_at = envelope.get("created_at") if isinstance(envelope, dict) else None
    try:
        created = datetime.fromisoformat(str(created_at))
    except ValueError:
        # Unreadable envelopes are dead letters: they are counted, not timed.
        return
    if created.tzinfo is not None:
        # Clocks differ a little between hosts: never less than none.
        LAG.observe(max(0.0, (datetime.now(timezone.utc) - created).total_seconds()))


def count_retry() -> None:
    """Count an envelope put back on the queue, to be tried again."""
    ENVELOPES.labels("retried").inc()
