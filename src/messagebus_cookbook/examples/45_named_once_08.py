import contextlib
import os
import queue
from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from kombu import Queue
from lastuuid.dummies import uuidgen
from messagebus import (
    AsyncAbstractEventstreamTransport,
    AsyncAbstractMessageStoreRepository,
    AsyncEventstreamPublisher,
    AsyncMessageBus,
    Message,
)
from opentelemetry.sdk.trace import ReadableSpan
from result import Err, Ok

from reading_club.adapters.eventstream import (
    TASK_NAME,
    create_celery_app,
    subscription,
)
from reading_club.bootstrap import ReadingClub
from reading_club.domain.messages import RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.repositories import (
    AbstractBookRepository,
    BookRepositoryError,
    BookRepositoryOperationResult,
    BookRepositoryResult,
)
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.otlp import Collector, collecting
from tests.spans import KeptSpans, trace_every_test

# PostgreSQL, Redis and RabbitMQ, started for the tests or given to them.
pytest_plugins = ["tests.real_servers.plugin"]

# What the stream delivers: its metadata is an object, the rest text.
Envelopes = queue.Queue[dict[str, Any]]


class InMemoryBookRepository(AbstractBookRepository):
    def __init__(self) -> None:
        super().__init__()
        self.books: dict[UUID, Book] = {}

    async def add(self, model: Book) -> BookRepositoryOperationResult:
        if model.id in self.books or any(
            known.isbn == model.isbn for known in self.books.values()
        ):
            return Err(BookRepositoryError.integrity_error)
        self.books[model.id] = model
        self.seen.append(model)
        return Ok(None)

    async def by_id(self, id: UUID) -> BookRepositoryResult:
        if id not in self.books:
            return Err(BookRepositoryError.not_found)
        return Ok(self.books[id])


class InMemoryEventstreamTransport(AsyncAbstractEventstreamTransport):
    def __init__(self) -> None:
        self.messages: list[Mapping[str, Any]] = []

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        self.messages.append(message)


class StreamDown(Exception):
    """The event stream did not take a message."""


class FlakyEventstreamTransport(InMemoryEventstreamTransport):
    """A stream that refuses the first ``failures`` messages, then keeps them."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise StreamDown("the broker did not answer")
        await super().send_message_serialized(message)


class InMemoryMessageStore(AsyncAbstractMessageStoreRepository):
    def __init__(self, publisher: AsyncEventstreamPublisher | None = None) -> None:
        super().__init__(publisher)
        self.messages: list[Message[Any]] = []

    async def _add(self, message: Message[Any]) -> None:
        self.messages.append(message)


class InMemoryUnitOfWork(AbstractUnitOfWork):
    def __init__(self, messagestore: AsyncAbstractMessageStoreRepository) -> None:
        self.books: InMemoryBookRepository = InMemoryBookRepository()
        self.committed_books: dict[UUID, Book] = {}
        self.messagestore = messagestore

    async def commit(self) -> None:
        self.committed_books = dict(self.books.books)

    async def rollback(self) -> None:
        self.books.books = dict(self.committed_books)


@pytest.fixture
def book_repository() -> InMemoryBookRepository:
    return InMemoryBookRepository()


@pytest.fixture
def book() -> Book:
    return Book(
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
        isbn="0-321-12521-5",
    )


@pytest.fixture
def transport() -> InMemoryEventstreamTransport:
    return InMemoryEventstreamTransport()


@pytest.fixture
def messagestore(transport: AsyncAbstractEventstreamTransport) -> InMemoryMessageStore:
    return InMemoryMessageStore(publisher=AsyncEventstreamPublisher(transport))


@pytest.fixture
def uow(messagestore: AsyncAbstractMessageStoreRepository) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(messagestore)


@pytest.fixture
def register_book_cmd() -> RegisterBookV2:
    return RegisterBookV2(
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
        isbn="0-321-12521-5",
    )


@pytest.fixture(scope="session")
def bus() -> AsyncMessageBus[AbstractUnitOfWork]:
    return ReadingClub.create_bus()


@contextlib.contextmanager
def eventstream_worker(broker_url: str, name: str = "tests") -> Iterator[Envelopes]:
    """A worker in a thread, on a queue of its own, that keeps what it gets."""
    envelopes: Envelopes = queue.Queue()
    app = create_celery_app(broker_url)
    app.conf.task_queues = [subscription(name)]

    @app.task(name=TASK_NAME, shared=False)
    def eventstream(envelope: dict[str, str]) -> None:
        envelopes.put(envelope)

    # On Redis, a worker waits for a message one second at a time, and
    # sees that the test is over only then: a tenth of a second will do.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield envelopes


@pytest.fixture(scope="session", autouse=True)
def traced() -> KeptSpans:
    """Every test traces its work, as the processes do with an OTLP endpoint."""
    return trace_every_test()


@pytest.fixture
def spans(traced: KeptSpans) -> Iterator[list[ReadableSpan]]:
    """The spans that end during the test, in the order they end."""
    with traced.kept() as spans:
        yield spans


@pytest.fixture
def collector() -> Iterator[Collector]:
    """An OTLP collector for the processes a test starts: what they export."""
    with collecting() as collector:
        yield collector


@pytest.fixture(autouse=True)
def no_reading_club_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests never read the club's settings: hide READING_CLUB_* from them."""
    for name in list(os.environ):
        if name.startswith("READING_CLUB_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_celery_broker_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Celery prefers CELERY_BROKER_URL to the URL it is given: unset it."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)


@pytest.fixture
def rabbitmq_url(rabbitmq_server: str) -> Iterator[str]:
    """RabbitMQ's URL; the queues of the club and the service go after the test."""
    yield rabbitmq_server
    with Celery(broker=rabbitmq_server).connection_for_write() as connection:
        for queue in ("reading_club", "reviews"):
            Queue(queue)(connection.default_channel).delete()


@pytest.fixture
def celery_app(broker_url: str) -> Celery:
    return create_celery_app(broker_url)


@pytest.fixture
def received(broker_url: str) -> Iterator[Envelopes]:
    with eventstream_worker(broker_url) as envelopes:
        yield envelopes
