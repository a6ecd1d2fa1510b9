"""The unit of work: one business transaction over every repository."""

import abc
from typing import TypeVar

from messagebus import (
    AsyncAbstractMessageStoreRepository,
    AsyncAbstractUnitOfWork,
    AsyncUnitOfWorkTransaction,
)
from messagebus.ports.observability import AbstractMetricsStore

from http_edges.kept_responses import AbstractKeptResponses
from reading_club.service.repositories import AbstractBookRepository

TUnitOfWork = TypeVar("TUnitOfWork", bound="AbstractUnitOfWork")


class AbstractUnitOfWork(
    AsyncAbstractUnitOfWork[
        AbstractBookRepository,
        AsyncAbstractMessageStoreRepository,
        AbstractMetricsStore,
    ],
    abc.ABC,
):
    """The repositories a service handler works with, in one transaction."""

    books: AbstractBookRepository
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
