"""The processes of both services, started from the Procfile as a reader does."""

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from celery import Celery
from kombu import Connection, Message, Queue
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from process_metrics.serving import POOL_FOLDER
from reading_club.domain.isbn import normalize_isbn
from reviews.adapters.eventstream import subscription as reviews_subscription
from reviews.adapters.orm import create_engine
from tests.otlp import Collector, outline
from tests.reading_club.outbox import outbox_rows
from tests.reading_club.processes import club_environment
from tests.reading_club.web import API_KEYS as CLUB_API_KEYS
from tests.reading_club.web import DOMAIN_DRIVEN_DESIGN_BODY, LIBRARIAN_KEY
from tests.real_servers.databases import new_database
from tests.real_servers.ports import free_port, procfile_port
from tests.real_servers.procfile import (
    Output,
    Processes,
    honcho_start,
    procfile_names,
    started,
)
from tests.real_servers.rabbitmq import RabbitMQNode, rabbitmq_node
from tests.reviews.tables import rows
from tests.reviews.web import API_KEYS as REVIEWS_API_KEYS
from tests.reviews.web import REVIEWER_KEY

PROJECT = Path(__file__).parents[2]
# How long the processes may take to start, and to stop after SIGTERM.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# How each process ends on SIGTERM. uvicorn shuts down, then raises the
# signal again: its status is that of a process the signal ended.
EXIT_STATUSES = {
    "web": -signal.SIGTERM,
    "relay": 0,
    "worker": 0,
    "reviews": 0,
    "reviews-web": -signal.SIGTERM,
    "reviews-relay": 0,
}

# Registrations over HTTP while the broker restarts, and how many restarts.
REGISTRATIONS = 60
RESTARTS = 3
# Seconds for every registration to reach the reviews service, once the
# broker is back for good.
BOUND = 30.0

# The trace of a book's registration, from the club's API to the reviews.
REGISTRATION_TRACE = """\
POST /books                              club-web
  handle register_book                   club-web
    outbox add book_registered_v2        club-web
      send book_registered_v2            club-relay
      receive book_registered_v2         club-worker
      handle book_registered_v2          reviews-worker
        handle book_registered           reviews-worker"""
REGISTRATION_SPANS = REGISTRATION_TRACE.count("\n") + 1
# Books registered through a web of two workers.
WEB_BOOKS = 10

pytestmark = pytest.mark.broker


def wait_until_idle(broker_url: str, timeout: float) -> None:
    """Until no worker on the broker has a task in hand, as Celery counts them.

    A child process logs that its task succeeded, then hands the result to
    its worker. A SIGTERM in between, or while a task runs, can keep the
    worker waiting 30 s for that result; honcho kills it after five.
    """
    deadline = time.monotonic() + timeout
    with Celery(broker=broker_url) as app:
        # Each worker answers within half a second: one poll, when idle.
        while (active := app.control.inspect(timeout=0.5).active()) is None or any(
            active.values()
        ):
            if time.monotonic() > deadline:
                pytest.fail(f"the workers still have tasks after {timeout} s: {active}")


@dataclass
class RunningClub(Processes):
    """``honcho start`` running the Procfile, from the port of the club's web."""

    broker_url: str

    def wait_until_ready(self) -> str:
        """Wait for every process, both workers listening; the reviews API's URL."""
        for name in EXIT_STATUSES:
            self.wait_until_started(name)
        self.output.wait_for("Uvicorn running", START_TIMEOUT, by="web")
        reviews_web = self.output.wait_for(
            "Uvicorn running", START_TIMEOUT, by="reviews-web"
        )
        # A worker's queue is bound to the stream once the worker is ready: an
        # envelope published before would find no queue, and wait in the outbox.
        for worker in ("worker", "reviews"):
            self.output.wait_for(" ready.", START_TIMEOUT, by=worker)
        return reviews_web.split("Uvicorn running on ")[1].split()[0]

    def register_a_book(self, **headers: str) -> httpx.Response:
        """Domain Driven Design, posted to the club's API by its librarian."""
        return httpx.post(
            f"http://127.0.0.1:{self.port}/books",
            json=DOMAIN_DRIVEN_DESIGN_BODY,
            headers={"Authorization": f"Bearer {LIBRARIAN_KEY}", **headers},
            timeout=5,
        )


@pytest.fixture
async def reviews_database_url(postgresql_server: URL) -> AsyncIterator[str]:
    """An empty database of the reviews service."""
    async with new_database(postgresql_server, prefix="reviews") as database:
        yield database.render_as_string(hide_password=False)


def run(
    command: list[str], environment: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A command run in the project to its end; what it printed, errors included."""
    return subprocess.run(
        command,
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=START_TIMEOUT,
    )


def migrate(environment: dict[str, str], *arguments: str) -> None:
    """``alembic ... upgrade head``, as you run it in the project."""
    command = [sys.executable, "-m", "alembic", *arguments, "upgrade", "head"]
    migration = run(command, environment)
    assert migration.returncode == 0, migration.stdout


@pytest.fixture
def procfile_environment(
    empty_postgresql_engine: AsyncEngine, reviews_database_url: str, broker_url: str
) -> dict[str, str]:
    """The environment of the Procfile's processes: the test's servers only."""
    environment = {
        name: value
        for name, value in club_environment(empty_postgresql_engine, broker_url).items()
        if not name.startswith("REVIEWS_")
    }
    environment["REVIEWS_DATABASE_URL"] = reviews_database_url
    environment["REVIEWS_BROKER_URL"] = broker_url
    environment["READING_CLUB_API_KEYS"] = json.dumps(CLUB_API_KEYS)
    environment["REVIEWS_API_KEYS"] = json.dumps(REVIEWS_API_KEYS)
    # The Procfile's python is the tests' python, as in an activated venv.
    environment["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ["PATH"]]
    )
    return environment


@contextlib.contextmanager
def running_club(environment: dict[str, str], broker_url: str) -> Iterator[RunningClub]:
    """Both services migrated, then ``honcho start`` until the block ends."""
    migrate(environment)
    migrate(environment, "-n", "reviews")
    procfile = PROJECT / "Procfile"
    port = procfile_port(procfile)
    honcho = started(honcho_start(procfile, port), environment, PROJECT)
    names = procfile_names(procfile)
    club = RunningClub(honcho, Output(honcho), port, names, broker_url)
    try:
        yield club
    finally:
        club.stop()


@pytest.fixture
def club(
    procfile_environment: dict[str, str], broker_url: str
) -> Iterator[RunningClub]:
    """The whole system, as ``honcho start`` runs it; stopped after the test."""
    with running_club(procfile_environment, broker_url) as club:
        yield club


@pytest.fixture
def traced_club(
    procfile_environment: dict[str, str],
    broker_url: str,
    collector: Collector,
) -> Iterator[RunningClub]:
    """The whole system, each process sending its spans to the test's collector."""
    # None of your OTEL_* variables: they would sample, compress or disable.
    environment = {
        name: value
        for name, value in procfile_environment.items()
        if not name.startswith("OTEL_")
    }
    environment["READING_CLUB_OTLP_ENDPOINT"] = collector.url
    environment["REVIEWS_OTLP_ENDPOINT"] = collector.url
    with running_club(environment, broker_url) as club:
        yield club


def next_message(queue: Queue, timeout: float) -> Message:
    """The next message of the queue, as soon as there is one."""
    deadline = time.monotonic() + timeout
    while (message := queue.get(no_ack=True)) is None:
        if time.monotonic() > deadline:
            pytest.fail(f"nothing reached the queue {queue.name} in {timeout} s")
        time.sleep(0.1)
    return message


def wait_until_counted(port: int, sample: str) -> None:
    """Wait until the metrics served on ``port`` hold ``sample``."""
    deadline = time.monotonic() + START_TIMEOUT
    while sample not in (
        scraped := httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    ):
        if time.monotonic() > deadline:
            pytest.fail(f"no {sample} on port {port} in {START_TIMEOUT} s:\n{scraped}")
        time.sleep(0.1)


async def test_a_book_registered_over_http_is_reviewed_over_http(
    club: RunningClub, empty_postgresql_engine: AsyncEngine
) -> None:
    reviews_url = club.wait_until_ready()

    # A caller's trace, and baggage of its own.
    response = club.register_a_book(
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        baggage="user=mallory",
    )
    assert response.status_code == 201, response.text
    book_id = response.json()["id"]
    [row] = await outbox_rows(empty_postgresql_engine)
    # Started without an OTLP endpoint, the processes trace nothing, and
    # write none of the caller's headers.
    assert {"traceparent", "baggage"}.isdisjoint(row["envelope"]["metadata"])
    club.output.wait_for(
        f"received book_registered_v2 {row['message_id']}", START_TIMEOUT
    )
    club.output.wait_for(
        f"book_registered_v2 {row['message_id']}: handled", START_TIMEOUT
    )
    # The web serves its metrics on the next port, never on the API's.
    scraped = httpx.get(f"http://127.0.0.1:{club.port + 1}/metrics", timeout=5).text
    assert (
        'messagebus_messages_processed_total{name="register_book",version="2"} 1.0'
        in scraped
    )
    # honcho gives the relay, second in the Procfile, the web's port + 100.
    wait_until_counted(club.port + 100, 'outbox_relay_sent_total{outbox="outbox"} 1.0')
    # The club's write is committed, and its event handled: the read model
    # of the reviews service has caught up.
    summary = httpx.get(f"{reviews_url}/books/{book_id}/reviews", timeout=5)
    assert summary.status_code == 200, summary.text
    assert (summary.json()["title"], summary.json()["reviews"]) == (
        "Domain Driven Design",
        0,
    )
    with Connection(club.broker_url) as connection:
        # A service that listens to the reviews, bound before the review.
        queue = reviews_subscription("club_listens", "book_reviewed_v1")(
            connection.default_channel
        )
        queue.declare()
        try:
            response = httpx.post(
                f"{reviews_url}/books/{book_id}/reviews",
                json={
                    "reviewer": "Alice",
                    "rating": 5,
                    "text": "The book that named the patterns.",
                },
                headers={"Authorization": f"Bearer {REVIEWER_KEY}"},
                timeout=5,
            )
            assert response.status_code == 201, response.text
            args, _kwargs, _embed = next_message(queue, START_TIMEOUT).decode()
        finally:
            queue.delete()
    [book_reviewed] = args
    assert book_reviewed["type"] == "book_reviewed_v1"
    assert json.loads(book_reviewed["payload"])["id"] == response.json()["id"]
    # The review's own service counts it in the transaction of the review.
    summary = httpx.get(f"{reviews_url}/books/{book_id}/reviews", timeout=5)
    assert summary.status_code == 200, summary.text
    assert (summary.json()["reviews"], summary.json()["average_rating"]) == (1, 5.0)
    # The reviews service counts as the club does: its worker, fourth in the
    # Procfile, the book; its web, the review; its relay, the event it sent.
    wait_until_counted(
        club.port + 300,
        'consumer_envelopes_total{outcome="handled",queue="reviews"} 1.0',
    )
    wait_until_counted(
        club.port + 401,
        'messagebus_messages_processed_total{name="add_review",version="1"} 1.0',
    )
    wait_until_counted(club.port + 500, 'outbox_relay_sent_total{outbox="outbox"} 1.0')

    # Stop at rest: once the workers have handed in every result.
    wait_until_idle(club.broker_url, START_TIMEOUT)
    club.terminate(timeout=STOP_TIMEOUT)
    printed = club.output.rest(timeout=STOP_TIMEOUT)
    for name, pid in club.pids.items():
        assert f"{name}.1 stopped (rc={EXIT_STATUSES[name]})" in printed, printed
        # honcho starts each process in a group of its own: none is left.
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)


def test_the_web_serves_what_its_workers_counted(
    procfile_environment: dict[str, str], tmp_path: Path
) -> None:
    migrate(procfile_environment)
    port, metrics_port = free_port(), free_port()
    command = [
        sys.executable,
        "-m",
        "reading_club.entrypoints.web",
        "--port",
        str(port),
    ]
    command += ["--metrics-port", str(metrics_port), "--workers", "2"]
    web = started(
        command, {**procfile_environment, POOL_FOLDER: str(tmp_path)}, PROJECT
    )
    output = Output(web)
    try:
        # Both workers serve, each a process of its own.
        output.wait_for("Application startup complete", START_TIMEOUT, times=2)
        for number in range(1, WEB_BOOKS + 1):
            response = httpx.post(
                f"http://127.0.0.1:{port}/books",
                json={**DOMAIN_DRIVEN_DESIGN_BODY, "isbn": isbn(number)},
                headers={"Authorization": f"Bearer {LIBRARIAN_KEY}"},
                timeout=5,
            )
            assert response.status_code == 201, response.text
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=STOP_TIMEOUT)

    registered = 'messagebus_messages_processed_total{name="register_book",version="2"}'
    assert f"{registered} {float(WEB_BOOKS)}" in scraped.text, output.rest(timeout=1)
    # The parent serves the metrics and handles no request: the workers count.
    assert "Stopping parent process" in output.rest(timeout=STOP_TIMEOUT)


def test_one_request_is_one_trace_through_every_process(
    traced_club: RunningClub, collector: Collector
) -> None:
    traced_club.wait_until_ready()

    response = traced_club.register_a_book()

    assert response.status_code == 201, response.text
    traced_club.output.wait_for(": handled", START_TIMEOUT, by="reviews")
    traced_club.output.wait_for(
        "received book_registered_v2", START_TIMEOUT, by="worker"
    )
    # The same request, in the lines of each process that logged it...
    registration = response.headers["X-Correlation-ID"]
    for name in ("web", "relay", "worker", "reviews"):
        traced_club.output.wait_for(registration, START_TIMEOUT, by=name)
    assert sorted(logged_with(traced_club.output, registration)) == [
        "relay",
        "reviews",
        "web",
        "worker",
    ]
    # ... and in the counts of each one that counts it.
    wait_until_counted(
        traced_club.port + 1,
        'messagebus_messages_processed_total{name="register_book",version="2"} 1.0',
    )
    wait_until_counted(
        traced_club.port + 100, 'outbox_relay_sent_total{outbox="outbox"} 1.0'
    )
    wait_until_counted(
        traced_club.port + 300,
        'consumer_envelopes_total{outcome="handled",queue="reviews"} 1.0',
    )
    # Stopped at rest, each process sends the spans it still holds.
    wait_until_idle(traced_club.broker_url, START_TIMEOUT)
    traced_club.stop()
    trace = collector.wait_for_trace("POST /books", REGISTRATION_SPANS, STOP_TIMEOUT)
    print(outline(trace))
    assert outline(trace, timed=False) == REGISTRATION_TRACE


def start_script(*arguments: str) -> list[str]:
    """``python scripts/start.py``, reading no .env: the test gives every variable."""
    return [sys.executable, "scripts/start.py", "--env", os.devnull, *arguments]


async def test_one_command_starts_the_whole_system(
    procfile_environment: dict[str, str], broker_url: str
) -> None:
    port = procfile_port(PROJECT / "Procfile")
    command = start_script("--port", str(port))
    process = started(command, procfile_environment, PROJECT)
    names = procfile_names(PROJECT / "Procfile")
    club = RunningClub(process, Output(process), port, names, broker_url)
    try:
        # Each step, in order, before any process starts.
        for step in (
            "$ alembic upgrade head",
            "$ alembic -n reviews upgrade head",
            "$ python -m reading_club.entrypoints.topology",
            "declared queue reading_club, bound for #",
            "$ python -m reviews.entrypoints.topology",
        ):
            club.output.wait_for(step, START_TIMEOUT)
        reviews_url = club.wait_until_ready()

        registered = club.register_a_book()
        assert registered.status_code == 201, registered.text
        club.output.wait_for(": handled", START_TIMEOUT, by="reviews")
        book_id = registered.json()["id"]
        summary = httpx.get(f"{reviews_url}/books/{book_id}/reviews", timeout=5)
        assert summary.status_code == 200, summary.text

        # The script became honcho: its SIGTERM stops every process.
        wait_until_idle(broker_url, START_TIMEOUT)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT)
        printed = club.output.rest(timeout=STOP_TIMEOUT)
        for name in EXIT_STATUSES:
            assert f"{name}.1 stopped (rc={EXIT_STATUSES[name]})" in printed, printed
    finally:
        club.stop()


def test_nothing_starts_when_a_step_fails(
    procfile_environment: dict[str, str], tmp_path: Path
) -> None:
    nobody = f"redis+socket://{tmp_path}/nobody.socket"
    environment = {
        **procfile_environment,
        "READING_CLUB_BROKER_URL": nobody,
        "REVIEWS_BROKER_URL": nobody,
    }

    done = run(start_script(), environment)

    assert done.returncode == 1, done.stdout
    # The databases are migrated; the broker's step says what it could not do.
    assert (
        "python -m reading_club.entrypoints.topology: cannot reach the broker"
        in done.stdout
    )
    assert done.stdout.splitlines()[-1] == (
        "python scripts/start.py: python -m reading_club.entrypoints.topology failed: "
        "nothing started"
    )
    assert "started (pid=" not in done.stdout


def logged_with(output: Output, correlation_id: str) -> dict[str, list[dict[str, Any]]]:
    """The JSON lines of each process that carry the correlation id."""
    found: dict[str, list[dict[str, Any]]] = {}
    for line in output.lines:
        # honcho's prefix: "12:00:01 web.1      | ", then what the process wrote.
        prefix, separator, written = line.partition(" | ")
        if not separator or not written.startswith("{"):
            continue
        logged = json.loads(written)
        if logged.get("correlation_id") == correlation_id:
            process = prefix.split()[1].removesuffix(".1")
            found.setdefault(process, []).append(logged)
    return found


async def test_one_registration_is_followed_through_every_process(
    club: RunningClub,
) -> None:
    reviews_url = club.wait_until_ready()

    registered = club.register_a_book()
    assert registered.status_code == 201, registered.text
    # The API gave the request its id: every process logs the book with it.
    registration = registered.headers["X-Correlation-ID"]
    book_id = registered.json()["id"]
    for name in ("web", "relay", "worker", "reviews"):
        club.output.wait_for(registration, START_TIMEOUT, by=name)

    reviewed = httpx.post(
        f"{reviews_url}/books/{book_id}/reviews",
        json={"reviewer": "Alice", "rating": 5, "text": "It named the patterns."},
        # A caller that has an id of its own gives it: the services keep it.
        headers={
            "Authorization": f"Bearer {REVIEWER_KEY}",
            "X-Correlation-ID": "review-by-alice",
        },
        timeout=5,
    )
    assert reviewed.status_code == 201, reviewed.text
    assert reviewed.headers["X-Correlation-ID"] == "review-by-alice"
    review_id = reviewed.json()["id"]
    for name in ("reviews-web", "reviews-relay"):
        club.output.wait_for("review-by-alice", START_TIMEOUT, by=name)

    # Each line about the book names it, and no other process logged it.
    followed = logged_with(club.output, registration)
    assert sorted(followed) == ["relay", "reviews", "web", "worker"]
    assert {line["aggregate_id"] for lines in followed.values() for line in lines} == {
        book_id
    }
    followed = logged_with(club.output, "review-by-alice")
    assert sorted(followed) == ["reviews-relay", "reviews-web"]
    assert {line["aggregate_id"] for lines in followed.values() for line in lines} == {
        review_id
    }


def isbn(number: int) -> str:
    """A valid ISBN-13 of its own for each number: the club's rule finds its check."""
    for check in "0123456789":
        with contextlib.suppress(ValueError):
            return normalize_isbn(f"978{number:09d}{check}")
    raise AssertionError("no check digit fits")


def topology(environment: dict[str, str], service: str) -> None:
    """``python -m SERVICE.topology``, as a deployment runs it before the processes."""
    declared = run(
        [sys.executable, "-m", f"{service}.entrypoints.topology"], environment
    )
    assert declared.returncode == 0, declared.stdout


def wait_until_nothing_in_hand(broker_url: str, timeout: float) -> None:
    """Until both workers answer, and neither holds a task in any way.

    A task runs (active), waits its turn in the worker (reserved), or waits
    for its countdown (scheduled): in each case, unacknowledged.
    """
    deadline = time.monotonic() + timeout
    with Celery(broker=broker_url) as app:
        while True:
            inspect = app.control.inspect(timeout=0.5)
            replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
            if all(
                reply is not None and len(reply) == 2 and not any(reply.values())
                for reply in replies
            ):
                return
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the workers still hold tasks after {timeout} s: {replies}"
                )


class TestOnRabbitMQ:
    """The club on a RabbitMQ node of the test's own, which the test restarts."""

    @pytest.fixture
    def rabbitmq(self) -> Iterator[RabbitMQNode]:
        with rabbitmq_node() as node:
            yield node

    @pytest.fixture
    def broker_url(self, rabbitmq: RabbitMQNode) -> str:
        environment = {
            **os.environ,
            "READING_CLUB_BROKER_URL": rabbitmq.url,
            "REVIEWS_BROKER_URL": rabbitmq.url,
        }
        for service in ("reading_club", "reviews"):
            topology(environment, service)
        return rabbitmq.url

    async def test_nothing_is_lost_while_the_broker_restarts(
        self, club: RunningClub, rabbitmq: RabbitMQNode, reviews_database_url: str
    ) -> None:
        for name in EXIT_STATUSES:
            club.wait_until_started(name)
        club.output.wait_for("Uvicorn running", START_TIMEOUT, by="web")
        registered = []
        restarting: asyncio.Future[None] | None = None
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{club.port}",
            headers={"Authorization": f"Bearer {LIBRARIAN_KEY}"},
            timeout=5,
        ) as client:
            for number in range(1, REGISTRATIONS + 1):
                response = await client.post(
                    "/books",
                    json={
                        "title": f"Book {number}",
                        "authors": ["Eric Evans"],
                        "isbn": isbn(number),
                    },
                )
                assert response.status_code == 201, response.text
                registered.append(response.json()["id"])
                if number % (REGISTRATIONS // RESTARTS) == 0:
                    if restarting is not None:
                        await restarting
                    # The next registrations come while the broker is away.
                    restarting = asyncio.ensure_future(
                        asyncio.to_thread(rabbitmq.restart)
                    )
        assert restarting is not None
        await restarting
        engine = create_engine(reviews_database_url)
        try:
            deadline = time.monotonic() + BOUND
            while len((found := await rows(engine))["books"]) < REGISTRATIONS:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"{BOUND} s after the last restart, "
                        f"{len(found['books'])} books of {REGISTRATIONS}"
                    )
                await asyncio.sleep(0.2)
        finally:
            await engine.dispose()

        assert sorted(str(book["id"]) for book in found["books"]) == sorted(registered)
        assert len(found["inbox"]) == REGISTRATIONS
        assert found["dead_letters"] == []
        # The relay saw the broker go, and come back.
        club.output.wait_for("the stream is out of reach", START_TIMEOUT, by="relay")
        club.output.wait_for("the stream is back after", START_TIMEOUT, by="relay")
        # Nothing is left in the service's queue, nor in a worker's hands.
        wait_until_nothing_in_hand(club.broker_url, START_TIMEOUT)
        with Connection(club.broker_url) as connection:
            left = Queue("reviews")(connection.default_channel).get(no_ack=True)
        assert left is None
