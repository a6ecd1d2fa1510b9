"""A worker on the chassis: its arguments, its check, what runs around its pool."""

import argparse
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pytest
from celery import Celery

from service_chassis import worker
from tests.service_chassis.inventory import InventorySettings

SETTINGS = InventorySettings(log_format="text", otlp_endpoint="http://traces.test")


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
def noted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the worker sets up for its whole process, noted instead of done.

    Done, Celery's signals would stay connected, and the traces sent, for
    the rest of the tests' process.
    """
    noted: list[str] = []
    monkeypatch.setattr(worker, "log_as", lambda format: noted.append(f"logs {format}"))
    monkeypatch.setattr(
        worker,
        "configure_tracing",
        lambda name, endpoint: noted.append(f"traces of {name} to {endpoint}"),
    )
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
    monkeypatch: pytest.MonkeyPatch, noted: list[str]
) -> None:
    start = RecordedStart(noted)
    app = inventory_app(monkeypatch, start)

    status = worker.run(app, parsed("--concurrency", "3"), SETTINGS, name="inventory")

    assert status == 0
    assert start.arguments[0] == "worker"
    assert "--concurrency=3" in start.arguments
    assert "--hostname=inventory@%h" in start.arguments
    # The logs, the traces and their last spans are seen to before the pool.
    assert noted == [
        "logs text",
        "traces of inventory-worker to http://traces.test",
        "flush",
        "pool",
    ]


@pytest.mark.parametrize(("answers", "status"), [(True, 0), (False, 1)])
def test_the_check_asks_this_host_s_worker_and_starts_nothing(
    monkeypatch: pytest.MonkeyPatch, noted: list[str], answers: bool, status: int
) -> None:
    asked: list[str] = []

    def ping_worker(app: Celery, hostname: str) -> bool:
        asked.append(hostname)
        return answers

    monkeypatch.setattr(worker, "ping_worker", ping_worker)
    monkeypatch.setattr(socket, "gethostname", lambda: "shelf-7")

    checked = worker.run(
        inventory_app(monkeypatch, RecordedStart(noted)),
        parsed("--check"),
        SETTINGS,
        name="inventory",
        around=never_entered(),
    )

    assert (checked, asked, noted) == (status, ["inventory@shelf-7"], [])


@contextmanager
def never_entered() -> Iterator[None]:
    pytest.fail("entered, where the worker only checks")
    yield


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
        SETTINGS,
        name="inventory",
        around=metrics(),
    )

    assert events == ["served", "pool", "stopped"]
