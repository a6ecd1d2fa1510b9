import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from celery.contrib.testing.worker import start_worker
from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus
from pydantic import SecretStr
from sqlalchemy import URL, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from after_commit.mail import AbstractMailer, Mail, SMTPMailer
from idempotent_consumer.consumer import Consumer, Outcome
from reading_club.adapters.eventstream import CeleryTransport, create_celery_app
from reviews.adapters.orm import books, create_engine, dead_letters, inbox, metadata
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import Reviews
from reviews.domain.messages import AddReview
from reviews.entrypoints.worker import create_worker_app
from reviews.service.consumer import create_consumer
from reviews.service.handlers import AddReviewResult
from reviews.service.unit_of_work import AbstractUnitOfWork
from reviews.settings import Settings
from tests.after_commit.smtp import Mailbox as SMTPMailbox
from tests.after_commit.smtp import smtp_server
from tests.reviews.envelopes import (
    DOMAIN_DRIVEN_DESIGN_REGISTERED,
    DOMAIN_DRIVEN_DESIGN_REGISTERED_V1,
)

PROJECT = Path(__file__).parents[2]
DOMAIN_DRIVEN_DESIGN_ID = UUID("00000001-0000-0000-0000-000000000000")


def registered(number: int, envelope: dict[str, str]) -> dict[str, str]:
    """The envelope of book ``number`` that the club registered: "Book 1"..."""
    return {
        **envelope,
        "id": str(uuidgen(100 + number)),
        "payload": json.dumps(
            {
                "id": str(uuidgen(number)),
                "isbn": "9780321125217",
                "title": f"Book {number}",
                "authors": ["Eric Evans"],
            }
        ),
    }


@pytest.fixture
def envelope() -> dict[str, str]:
    return dict(DOMAIN_DRIVEN_DESIGN_REGISTERED)


@pytest.fixture
def envelope_v1() -> dict[str, str]:
    return dict(DOMAIN_DRIVEN_DESIGN_REGISTERED_V1)


@pytest.fixture
def sqlite_reviews_database(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'reviews.db'}"


@pytest.fixture
def postgresql_reviews_database(postgresql_database: URL) -> str:
    return postgresql_database.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def reviews_database(request: pytest.FixtureRequest) -> str:
    """The URL of a new, empty database, on each backend in turn."""
    url: str = request.getfixturevalue(f"{request.param}_reviews_database")
    return url


@pytest.fixture
async def reviews_engine(reviews_database: str) -> AsyncIterator[AsyncEngine]:
    """The engine of the reviews database, with its tables."""
    engine = create_engine(reviews_database)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def unit_of_work(reviews_engine: AsyncEngine) -> Callable[[], AbstractUnitOfWork]:
    return lambda: SQLUnitOfWork(reviews_engine)


@pytest.fixture(scope="session")
def reviews_bus() -> AsyncMessageBus[AbstractUnitOfWork]:
    return Reviews.create_bus()


@pytest.fixture
def consumer(
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
) -> Consumer[AbstractUnitOfWork]:
    """The service's consumer, on the test's database."""
    return create_consumer(reviews_bus, unit_of_work)


@pytest.fixture
async def known_book(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
) -> UUID:
    """Domain Driven Design, which the service has heard of from the club."""
    assert await consumer.consume(envelope) is Outcome.handled
    return DOMAIN_DRIVEN_DESIGN_ID


class KeptMails(AbstractMailer):
    """A mailer that keeps what it sends: for the tests that read no mail."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)


class Mailbox(SMTPMailbox):
    """The tests' SMTP server, with a mailer of the service that sends through it."""

    def mailer(self, timeout: float = 2.0) -> SMTPMailer:
        return SMTPMailer(
            "127.0.0.1", self.port, "reviews@reading-club.example", timeout
        )


@pytest.fixture
async def mailbox() -> AsyncIterator[Mailbox]:
    async with smtp_server(Mailbox()) as mailbox:
        yield mailbox


@pytest.fixture
async def refusing_mailbox() -> AsyncIterator[Mailbox]:
    async with smtp_server(Mailbox(refuse=True)) as mailbox:
        yield mailbox


async def add(
    review: AddReview,
    bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    mailer: AbstractMailer | None = None,
) -> AddReviewResult:
    """Handle the command; commit what it did, or roll it back if refused."""
    async with unit_of_work() as transaction:
        result: AddReviewResult = await bus.handle(
            review, transaction, mailer=KeptMails() if mailer is None else mailer
        )
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    return result


async def rows(
    engine: AsyncEngine, tables: Sequence[Table] = (books, inbox, dead_letters)
) -> dict[str, list[dict[str, Any]]]:
    """Every row of these tables of the service, by table."""
    found = {}
    async with engine.connect() as connection:
        for table in tables:
            result = await connection.execute(select(table))
            found[table.name] = [dict(row._mapping) for row in result]
    return found


async def publish(broker_url: str, envelope: dict[str, str]) -> None:
    """Send an envelope to the stream, as the club's relay does."""
    await CeleryTransport(create_celery_app(broker_url)).send_message_serialized(
        envelope
    )


@contextlib.contextmanager
def reviews_worker(database_url: str, broker_url: str) -> Iterator[None]:
    """The reviews service's worker, in a thread, until the block ends."""
    settings = Settings(
        database_url=SecretStr(database_url), broker_url=SecretStr(broker_url)
    )
    app = create_worker_app(settings)
    # On Redis, a worker waits for a message one second at a time, and
    # sees that the test is over only then: a tenth of a second will do.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@dataclass
class WorkerProcess:
    """A reviews worker started as its own process, its output in a file."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text()

    async def wait_for(self, text: str, timeout: float = 15, times: int = 1) -> str:
        """The output, once it holds ``text``, ``times`` times."""
        deadline = time.monotonic() + timeout
        while (printed := self.output()).count(text) < times:
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"not {times} {text!r} within {timeout} s in:\n{printed}")
            await asyncio.sleep(0.1)
        return printed

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM to the worker, SIGKILL to it and its pool if need be.

        The worker ends the tasks in flight, then stops its pool: its status.
        """
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise


StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def start_reviews_worker(tmp_path: Path) -> Iterator[StartWorker]:
    """Start ``python -m reviews.entrypoints.worker`` on the test's servers.

    ``start_reviews_worker(database_url, broker_url, module=...)`` starts
    another module that runs the worker, with the arguments that follow;
    ``environment`` adds variables to the worker's.
    """
    workers: list[WorkerProcess] = []

    def start(
        database_url: str,
        broker_url: str,
        *arguments: str,
        module: str = "reviews.entrypoints.worker",
        environment: Mapping[str, str] | None = None,
    ) -> WorkerProcess:
        variables = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("REVIEWS_")
        }
        variables["REVIEWS_DATABASE_URL"] = database_url
        variables["REVIEWS_BROKER_URL"] = broker_url
        variables.update(environment or {})
        log = tmp_path / f"worker-{len(workers) + 1}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", module, *arguments],
                cwd=PROJECT,
                env=variables,
                stdout=output,
                stderr=subprocess.STDOUT,
                # A group of its own: the worker and its pool stop together.
                start_new_session=True,
            )
        worker = WorkerProcess(process, log)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.stop()
