"""A process serves its own metrics, or the sum of its pool's."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY, CollectorRegistry, Counter

from process_metrics.serving import POOL_FOLDER, NoPoolFolder, StaleCounts, serve

# What a process of a pool counts: prometheus_client is first imported
# there, with the pool's folder in its environment.
COUNT_THREE_REVIEWS = (
    "from prometheus_client import Counter\n"
    "Counter('reviews', 'Reviews added.').inc(3)\n"
)


@contextmanager
def scraped_at(registry: CollectorRegistry = REGISTRY) -> Iterator[str]:
    """Serve the metrics on a free port until the block ends; their URL."""
    server = serve(0, "127.0.0.1", registry)
    try:
        yield f"http://127.0.0.1:{server.server_port}/metrics"
    finally:
        server.shutdown()
        server.server_close()


def count_in(folder: Path) -> None:
    """A process of the pool that counts three reviews, and ends."""
    subprocess.run(
        [sys.executable, "-c", COUNT_THREE_REVIEWS],
        env={**os.environ, POOL_FOLDER: str(folder)},
        check=True,
        timeout=30,
    )


def test_a_process_serves_its_own_metrics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POOL_FOLDER, raising=False)
    registry = CollectorRegistry()
    Counter("reviews", "Reviews added.", registry=registry).inc(2)

    with scraped_at(registry) as url:
        assert "reviews_total 2.0" in httpx.get(url, timeout=5).text


def test_a_pool_is_served_as_the_sum_of_its_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POOL_FOLDER, str(tmp_path))

    with scraped_at() as url:
        count_in(tmp_path)
        count_in(tmp_path)
        scraped = httpx.get(url, timeout=5).text

    # Both processes have ended: what they counted stays counted.
    assert "reviews_total 6.0" in scraped


def test_the_counts_of_an_earlier_run_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count_in(tmp_path)
    monkeypatch.setenv(POOL_FOLDER, str(tmp_path))

    with pytest.raises(StaleCounts, match="holds the counts of an earlier run"):
        serve(0, "127.0.0.1")


def test_a_pool_without_a_folder_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POOL_FOLDER, raising=False)

    with pytest.raises(NoPoolFolder, match=f"set {POOL_FOLDER} to an empty folder"):
        serve(0, "127.0.0.1", pool=True)
