"""The club's envelopes the reviews service reads, and its consumer of them."""

from collections.abc import Callable

from messagebus import AsyncMessageBus

from idempotent_consumer.consumer import Consumer
from idempotent_consumer.envelopes import EnvelopeReader, Payload
from reviews.domain.messages import BookRegistered
from reviews.service.unit_of_work import AbstractUnitOfWork


def book_registered_v1_to_v2(payload: Payload) -> Payload:
    """Version 1 named one author; version 2 has a list of them."""
    upcast = dict(payload)
    upcast["authors"] = [upcast.pop("author")]
    return upcast


READER = EnvelopeReader(
    # The versions the service handles: each envelope type, and its event.
    events={"book_registered_v2": BookRegistered},
    # The older versions it still reads.
    upcasters={"book_registered_v1": ("book_registered_v2", book_registered_v1_to_v2)},
)
# What the service subscribes to.
READ_TYPES = READER.types


def create_consumer(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
) -> Consumer[AbstractUnitOfWork]:
    """The service's consumer of the club's stream, on its bus and its database."""
    return Consumer(READER, bus, unit_of_work)
