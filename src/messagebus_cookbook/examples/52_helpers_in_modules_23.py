"""The mails of the reviews service in a test: kept, or sent to an SMTP server."""

from after_commit.mail import AbstractMailer, Mail, SMTPMailer
from tests.after_commit.smtp import Mailbox as SMTPMailbox


class KeptMails(AbstractMailer):
    """A mailer that keeps what it sends: for the tests that read no mail."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)


class Mailbox(SMTPMailbox):
    """The tests' SMTP server, with a mailer of the service that sends through it."""

    def mailer(self, timeout: float = 2.0) -> SMTPMailer:
        return SMTPMailer(
            "127.0.0.1", self.port, "reviews@reading-club.example", timeout
        )
