"""The unit of work: one business transaction over every repository."""

import abc

from messagebus import AsyncAbstractMessageStoreRepository, AsyncAbstractUnitOfWork
from messagebus.ports.observability import AbstractMetricsStore

from reading_club.service.repositories import AbstractBookRepository


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
