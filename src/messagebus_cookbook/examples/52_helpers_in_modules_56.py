"""What a consumer counts: by queue, from 0, and how late each envelope came."""

from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client import CollectorRegistry

from idempotent_consumer.consumer import Outcome
from idempotent_consumer.metrics import OUTCOMES, ConsumerMetrics
from tests.idempotent_consumer.samples import TEN_MORE


def counted(registry: CollectorRegistry, queue: str, outcome: str) -> float | None:
    return registry.get_sample_value(
        "consumer_envelopes_total", {"queue": queue, "outcome": outcome}
    )


def timed(registry: CollectorRegistry, queue: str) -> float | None:
    return registry.get_sample_value("consumer_lag_seconds_count", {"queue": queue})


def test_each_outcome_of_a_queue_is_shown_at_0_before_its_first_envelope() -> None:
    registry = CollectorRegistry()

    ConsumerMetrics(registry).start("inventory")

    assert {
        outcome: counted(registry, "inventory", outcome) for outcome in OUTCOMES
    } == {
        "handled": 0,
        "duplicate": 0,
        "dead_lettered": 0,
        "retried": 0,
    }
    assert timed(registry, "inventory") == 0


def test_the_queues_of_a_process_count_apart_in_its_registry() -> None:
    registry = CollectorRegistry()
    metrics = ConsumerMetrics(registry)

    metrics.count("inventory", TEN_MORE, Outcome.handled)
    metrics.count("inventory", TEN_MORE, Outcome.duplicate)
    metrics.count_retry("inventory")
    metrics.count("returns", TEN_MORE, Outcome.handled)

    assert counted(registry, "inventory", "handled") == 1
    assert counted(registry, "inventory", "duplicate") == 1
    assert counted(registry, "inventory", "retried") == 1
    assert counted(registry, "returns", "handled") == 1
    assert (timed(registry, "inventory"), timed(registry, "returns")) == (2, 1)


def test_an_envelope_is_timed_from_its_creation_by_its_publisher() -> None:
    registry = CollectorRegistry()
    created = datetime.now(timezone.utc) - timedelta(seconds=45)

    ConsumerMetrics(registry).count(
        "inventory", {**TEN_MORE, "created_at": created.isoformat()}, Outcome.handled
    )

    def bucket(bound: str) -> float | None:
        return registry.get_sample_value(
            "consumer_lag_seconds_bucket", {"queue": "inventory", "le": bound}
        )

    assert (bucket("30.0"), bucket("60.0")) == (0, 1)


def test_an_unreadable_envelope_is_counted_but_not_timed() -> None:
    registry = CollectorRegistry()

    ConsumerMetrics(registry).count(
        "inventory", "not an envelope", Outcome.dead_lettered
    )

    assert counted(registry, "inventory", "dead_lettered") == 1
    assert timed(registry, "inventory") is None


def test_a_registry_takes_the_metrics_of_consumers_once() -> None:
    registry = CollectorRegistry()
    ConsumerMetrics(registry)

    with pytest.raises(ValueError, match="Duplicated timeseries"):
        ConsumerMetrics(registry)
