"""In-memory stand-ins for the event stream and the message store of messagebus."""

import queue
from collections.abc import Mapping
from typing import Any

from messagebus import (
    AsyncAbstractEventstreamTransport,
    AsyncAbstractMessageStoreRepository,
    AsyncEventstreamPublisher,
    Message,
)

# What the stream delivers: its metadata is an object, the rest text.
Envelopes = queue.Queue[dict[str, Any]]


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
