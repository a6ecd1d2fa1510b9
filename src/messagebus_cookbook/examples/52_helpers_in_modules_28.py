import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from uuid import UUID

import pytest
from messagebus import AsyncMessageBus
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.consumer import Consumer, Outcome
from reviews.adapters.orm import create_engine, metadata
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import Reviews
from reviews.service.consumer import create_consumer
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.after_commit.smtp import smtp_server
from tests.reviews.envelopes import (
    DOMAIN_DRIVEN_DESIGN_ID,
    DOMAIN_DRIVEN_DESIGN_REGISTERED,
    DOMAIN_DRIVEN_DESIGN_REGISTERED_V1,
)
from tests.reviews.mails import Mailbox
from tests.reviews.processes import PROJECT, StartWorker, WorkerProcess


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


@pytest.fixture
async def mailbox() -> AsyncIterator[Mailbox]:
    async with smtp_server(Mailbox()) as mailbox:
        yield mailbox


@pytest.fixture
async def refusing_mailbox() -> AsyncIterator[Mailbox]:
    async with smtp_server(Mailbox(refuse=True)) as mailbox:
        yield mailbox


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
