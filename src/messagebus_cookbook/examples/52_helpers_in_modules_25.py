"""Commands to the reviews service, handled as its API handles them."""

from collections.abc import Callable

from messagebus import AsyncMessageBus

from after_commit.mail import AbstractMailer
from reviews.domain.messages import AddReview
from reviews.service.handlers import AddReviewResult
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.mails import KeptMails


async def add(
    review: AddReview,
    bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    mailer: AbstractMailer | None = None,
) -> AddReviewResult:
    """Handle the command; commit what it did, or roll it back if refused."""
    async with unit_of_work() as transaction:
        result: AddReviewResult = await bus.handle(
            review, transaction, mailer=KeptMails() if mailer is None else mailer
        )
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    return result
