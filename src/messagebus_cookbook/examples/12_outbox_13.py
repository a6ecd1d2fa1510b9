"""The event stream over Celery: each published message is sent as a task."""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from celery import Celery
from messagebus import AsyncAbstractEventstreamTransport

TASK_NAME = "reading_club.eventstream"


def create_celery_app(broker_url: str) -> Celery:
    """A Celery app that sends JSON, and accepts nothing else."""
    app = Celery("reading_club", broker=broker_url)
    app.conf.update(
        accept_content=["json"],
        task_serializer="json",
        # The relay retries, later: a send to a broker that is down fails now.
        task_publish_retry_policy={"max_retries": 0},
    )
    return app


class TaskSender(Protocol):
    """What the transport needs of Celery: sending a task by its name."""

    def send_task(self, name: str, args: Sequence[Any] | None = None) -> object: ...


class CeleryTransport(AsyncAbstractEventstreamTransport):
    """Send each serialized message as a task, with the envelope as argument."""

    def __init__(self, app: TaskSender, task_name: str = TASK_NAME) -> None:
        self.app = app
        self.task_name = task_name

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        # send_task waits for the broker: let a thread wait, not the event loop.
        await asyncio.to_thread(
            self.app.send_task, self.task_name, args=[dict(message)]
        )
