"""The unit of work of the reviews service."""

import abc

from messagebus import AsyncAbstractMessageStoreRepository, AsyncAbstractUnitOfWork
from messagebus.ports.observability import AbstractMetricsStore

from http_edges.kept_responses import AbstractKeptResponses
from idempotent_consumer.stores import AbstractDeadLetters, AbstractInbox
from reviews.service.read_model import AbstractReviewSummaries
from reviews.service.repositories import (
    AbstractBookRepository,
    AbstractMailQuota,
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
    """Books, reviews, summaries, inbox, dead letters, quotas: one transaction."""

    books: AbstractBookRepository
    reviews: AbstractReviewRepository
    summaries: AbstractReviewSummaries
    inbox: AbstractInbox
    dead_letters: AbstractDeadLetters
    mail_quota: AbstractMailQuota
    # The first response to each Idempotency-Key, kept with its effect.
    responses: AbstractKeptResponses
