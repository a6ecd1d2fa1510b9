"""A worker on the chassis: its arguments, and what runs around its pool."""

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pytest
from celery import Celery

from service_chassis import worker
from tests.service_chassis.inventory import InventorySettings


class RecordedStart:
    """How a Celery app was started, where nothing starts."""

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.arguments: list[str] = []

    def __call__(self, argv: Sequence[str] | None = None) -> None:
        self.arguments = list(argv or [])
        self.events.append("pool")


def inventory_app(monkeypatch: pytest.MonkeyPatch, start: RecordedStart) -> Celery:
    app = Celery("inventory", broker="memory://")
    monkeypatch.setattr(app, "start", start)
    return app


@pytest.fixture(autouse=True)
def signals_noted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the worker connects to Celery's signals, noted, not connected.

    Connected, they would stay for the rest of the tests' process.
    """
    noted: list[str] = []
    monkeypatch.setattr(worker, "log_as", lambda format: noted.append(f"logs {format}"))
    monkeypatch.setattr(worker, "flush_when_stopping", lambda: noted.append("flush"))
    return noted


def parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    worker.add_arguments(parser)
    return parser.parse_args(argv)


def test_the_worker_has_two_processes_unless_told() -> None:
    assert (parsed().concurrency, parsed("--concurrency", "4").concurrency) == (2, 4)
    assert (parsed().check, parsed("--check").check) == (False, True)


def test_the_pool_is_named_after_the_service(
    monkeypatch: pytest.MonkeyPatch, signals_noted: list[str]
) -> None:
    start = RecordedStart(signals_noted)
    app = inventory_app(monkeypatch, start)

    status = worker.run(
        app, parsed("--concurrency", "3"), InventorySettings(), name="inventory"
    )

    assert status == 0
    assert start.arguments[0] == "worker"
    assert "--concurrency=3" in start.arguments
    assert "--hostname=inventory@%h" in start.arguments
    # The logs of the pool's processes, and their last spans, are seen to first.
    assert signals_noted == ["logs json", "flush", "pool"]


def test_what_runs_around_the_pool_starts_before_it_and_ends_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[str] = []

    @contextmanager
    def metrics() -> Iterator[None]:
        events.append("served")
        yield
        events.append("stopped")

    worker.run(
        inventory_app(monkeypatch, RecordedStart(events)),
        parsed(),
        InventorySettings(),
        name="inventory",
        around=metrics(),
    )

    assert events == ["served", "pool", "stopped"]
