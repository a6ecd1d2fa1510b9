"""Mails sent once a transaction is committed, and never before."""

import abc
import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from after_commit.effects import AfterCommit


@dataclass(frozen=True)
class Mail:
    """A mail to one person."""

    to: str
    subject: str
    body: str


class AbstractMailer(AfterCommit[Mail]):
    """Keeps the mails of a transaction, and sends them once it is committed."""

    def send_after_commit(self, mail: Mail) -> None:
        self.after_commit(mail)

    async def run(self, effect: Mail) -> None:
        await self.send(effect)

    def describe(self, effect: Mail) -> str:
        return f"the mail {effect.subject!r}"

    @abc.abstractmethod
    async def send(self, mail: Mail) -> None:
        """Send the mail now."""


class SMTPMailer(AbstractMailer):
    """Sends each mail through the SMTP server at ``host:port``, as it is.

    The connection, and each read or write of the talk (greeting, EHLO,
    MAIL, RCPT, DATA, QUIT), waits at most ``timeout`` seconds. It speaks
    plain SMTP to a relay it may use: no STARTTLS, no login.
    """

    def __init__(self, host: str, port: int, sender: str, timeout: float) -> None:
        super().__init__()
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    async def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        # smtplib blocks: in a thread, the server goes on with other requests.
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)
