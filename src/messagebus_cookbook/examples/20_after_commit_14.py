"""Mails the service sends once a transaction is committed, and never before."""

import abc
import logging
from dataclasses import dataclass

from messagebus import AsyncDependency

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """A mail to one person."""

    to: str
    subject: str
    body: str


class AbstractMailer(AsyncDependency):
    """Keeps the mails of a transaction, and sends them once it is committed.

    The bus gives each handler that asks for a ``mailer`` the one passed to
    ``bus.handle``; the transaction calls its hooks when it ends.
    """

    def __init__(self) -> None:
        self.outgoing: list[Mail] = []

    def send_after_commit(self, mail: Mail) -> None:
        self.outgoing.append(mail)

    async def on_after_commit(self) -> None:
        mails, self.outgoing = self.outgoing, []
        for mail in mails:
            try:
                await self.send(mail)
            except Exception:
                # The transaction is committed: an error raised here would make
                # it roll back what is already written, and the caller believe
                # that nothing was.
                logger.exception("the mail %r could not be sent", mail.subject)

    async def on_after_rollback(self) -> None:
        self.outgoing.clear()

    @abc.abstractmethod
    async def send(self, mail: Mail) -> None:
        """Send the mail now."""
