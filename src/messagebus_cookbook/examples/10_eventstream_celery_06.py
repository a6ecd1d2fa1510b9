import threading
from collections.abc import Sequence
from typing import Any

import pytest

from reading_club.adapters.eventstream import CeleryTransport


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
