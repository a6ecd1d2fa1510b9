"""A real SMTP server for the tests, on a free port, in the test's event loop."""

import asyncio
import contextlib
import email
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import TypeVar

from aiosmtpd.smtp import SMTP, Envelope, Session


class Mailbox:
    """What an SMTP server of the tests does with the mails: keep or refuse them."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.received: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        assert isinstance(envelope.content, bytes)
        mail = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(mail, EmailMessage)
        self.received.append(mail)
        return "250 OK"


TMailbox = TypeVar("TMailbox", bound=Mailbox)


@contextlib.asynccontextmanager
async def smtp_server(mailbox: TMailbox) -> AsyncIterator[TMailbox]:
    """A server that hands its mails to ``mailbox``, until the block ends."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(mailbox, hostname="localhost", loop=loop), "127.0.0.1", 0
    )
    mailbox.port = server.sockets[0].getsockname()[1]
    try:
        yield mailbox
    finally:
        server.close()
        await server.wait_closed()
