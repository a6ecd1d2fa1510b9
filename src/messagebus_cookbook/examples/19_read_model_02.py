"""The unit of work of the reviews service."""

import abc

from messagebus import AsyncAbstractMessageStoreRepository, AsyncAbstractUnitOfWork
from messagebus.ports.observability import AbstractMetricsStore

from reviews.service.read_model import AbstractReviewSummaries
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
    """Books, reviews, their summaries, inbox and dead letters: one transaction."""

    books: AbstractBookRepository
    reviews: AbstractReviewRepository
    summaries: AbstractReviewSummaries
    inbox: AbstractInbox
    dead_letters: AbstractDeadLetters
