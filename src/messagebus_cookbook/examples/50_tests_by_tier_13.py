import threading
from collections.abc import Sequence
from typing import Any

import pytest
from messagebus import AsyncMessageBus
from result import Ok

from reading_club.adapters.eventstream import TASK_NAME, CeleryTransport
from reading_club.domain.messages import RegisterBookV2
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.streams import InMemoryMessageStore


class FakeCeleryClient:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Sequence[Any] | None]] = []
        self.thread_ids: list[int] = []

    def send_task(self, name: str, args: Sequence[Any] | None = None) -> object:
        self.sent.append((name, args))
        self.thread_ids.append(threading.get_ident())
        return None


@pytest.fixture
def celery_client() -> FakeCeleryClient:
    return FakeCeleryClient()


@pytest.fixture
def transport(celery_client: FakeCeleryClient) -> CeleryTransport:
    return CeleryTransport(celery_client)


async def test_a_registered_book_is_sent_as_a_task(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    messagestore: InMemoryMessageStore,
    celery_client: FakeCeleryClient,
) -> None:
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    event = messagestore.messages[1]
    assert celery_client.sent == [
        (
            TASK_NAME,
            [
                {
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
            ],
        )
    ]


async def test_the_task_is_sent_off_the_event_loop(
    transport: CeleryTransport, celery_client: FakeCeleryClient
) -> None:
    await transport.send_message_serialized({"type": "book_registered_v2"})
    [thread_id] = celery_client.thread_ids
    assert thread_id != threading.get_ident()
