"""The unit of work of the reviews service."""

import abc

from messagebus import AsyncAbstractMessageStoreRepository, AsyncAbstractUnitOfWork
from messagebus.ports.observability import AbstractMetricsStore

from reviews.service.repositories import (
    AbstractBookRepository,
    AbstractDeadLetters,
    AbstractInbox,
)


class AbstractUnitOfWork(
    AsyncAbstractUnitOfWork[
        AbstractBookRepository,
        AsyncAbstractMessageStoreRepository,
        AbstractMetricsStore,
    ],
    abc.ABC,
):
    """The books, the inbox and the dead letters, in one transaction."""

    books: AbstractBookRepository
    inbox: AbstractInbox
    dead_letters: AbstractDeadLetters
