"""The unit of work of a service's handlers: its repositories, one transaction."""

import abc
from typing import Any, TypeVar

from messagebus import (
    AsyncAbstractMessageStoreRepository,
    AsyncAbstractRepository,
    AsyncAbstractUnitOfWork,
    AsyncUnitOfWorkTransaction,
)
from messagebus.ports.observability import AbstractMetricsStore

from http_edges.kept_responses import AbstractKeptResponses

TRepository = TypeVar("TRepository", bound=AsyncAbstractRepository[Any])
TUnitOfWork = TypeVar("TUnitOfWork", bound="ServiceUnitOfWork[Any]")


class ServiceUnitOfWork(
    AsyncAbstractUnitOfWork[
        TRepository, AsyncAbstractMessageStoreRepository, AbstractMetricsStore
    ],
    abc.ABC,
):
    """What every service's unit of work has; a service adds its repositories.

    ``TRepository`` is the repository whose models' events the bus collects.
    """

    # The first response to each Idempotency-Key, kept with its effect.
    responses: AbstractKeptResponses

    async def __aenter__(self: TUnitOfWork) -> AsyncUnitOfWorkTransaction[TUnitOfWork]:
        """Open a transaction that publishes nothing an earlier one left."""
        # A committed transaction has published its messages. Whatever is
        # left comes from a transaction that did not commit: drop it.
        for _message in self.collect_new_events():
            pass
        self.messagestore.stream_buffer.clear()
        return await super().__aenter__()
