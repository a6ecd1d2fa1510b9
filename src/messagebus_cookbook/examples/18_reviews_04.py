"""The unit of work of the reviews service."""

import abc

from messagebus import AsyncAbstractMessageStoreRepository, AsyncAbstractUnitOfWork
from messagebus.ports.observability import AbstractMetricsStore

from reviews.service.repositories import (
    AbstractBookRepository,
    AbstractDeadLetters,
    AbstractInbox,
    AbstractReviewRepository,
)


class AbstractUnitOfWork(
    AsyncAbstractUnitOfWork[
        AbstractBookRepository,
        AsyncAbstractMessageStoreRepository,
        AbstractMetricsStore,
    ],
    abc.ABC,
):
    """The books, the reviews, the inbox and the dead letters, in one transaction."""

    books: AbstractBookRepository
    reviews: AbstractReviewRepository
    inbox: AbstractInbox
    dead_letters: AbstractDeadLetters
