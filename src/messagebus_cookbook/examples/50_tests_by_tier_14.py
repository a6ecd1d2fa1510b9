import asyncio

import pytest
from celery import Celery
from messagebus import AsyncEventstreamPublisher, AsyncMessageBus
from result import Ok

from reading_club.adapters.eventstream import CeleryTransport
from reading_club.domain.messages import RegisterBookV2
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.reading_club.fakes import InMemoryUnitOfWork
from tests.streams import Envelopes, InMemoryMessageStore

pytestmark = pytest.mark.broker


@pytest.fixture
def transport(celery_app: Celery) -> CeleryTransport:
    return CeleryTransport(celery_app)


# The club in memory, but for its stream: the broker and the worker are real.
@pytest.fixture
def messagestore(transport: CeleryTransport) -> InMemoryMessageStore:
    return InMemoryMessageStore(publisher=AsyncEventstreamPublisher(transport))


@pytest.fixture
def uow(messagestore: InMemoryMessageStore) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(messagestore)


async def test_the_worker_receives_book_registered(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    messagestore: InMemoryMessageStore,
    received: Envelopes,
) -> None:
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    # Wait for the worker, ten seconds at most.
    envelope = await asyncio.to_thread(received.get, timeout=10)
    event = messagestore.messages[1]
    assert envelope == {
        "id": str(event.message_id),
        "created_at": event.created_at.isoformat(),
        "type": "book_registered_v2",
        "payload": (
            '{"id":"00000001-0000-0000-0000-000000000000",'
            '"isbn":"9780321125217",'
            '"title":"Domain Driven Design",'
            '"authors":["Eric Evans"]}'
        ),
    }
    assert received.empty()
