"""The unit of work: one business transaction over every repository."""

from reading_club.service.repositories import AbstractBookRepository
from service_chassis.unit_of_work import ServiceUnitOfWork


class AbstractUnitOfWork(ServiceUnitOfWork[AbstractBookRepository]):
    """The repositories a service handler works with, in one transaction."""

    books: AbstractBookRepository
