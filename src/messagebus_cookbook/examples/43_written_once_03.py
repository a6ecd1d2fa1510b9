"""The unit of work of the reviews service."""

from idempotent_consumer.stores import AbstractDeadLetters, AbstractInbox
from reviews.service.read_model import AbstractReviewSummaries
from reviews.service.repositories import (
    AbstractBookRepository,
    AbstractMailQuota,
    AbstractReviewRepository,
)
from service_chassis.unit_of_work import ServiceUnitOfWork


class AbstractUnitOfWork(ServiceUnitOfWork[AbstractBookRepository]):
    """Books, reviews, summaries, inbox, dead letters, quotas: one transaction."""

    books: AbstractBookRepository
    reviews: AbstractReviewRepository
    summaries: AbstractReviewSummaries
    inbox: AbstractInbox
    dead_letters: AbstractDeadLetters
    mail_quota: AbstractMailQuota
