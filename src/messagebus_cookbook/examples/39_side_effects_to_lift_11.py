"""Mails go through a real SMTP server, and a silent one costs its timeout only."""

import asyncio
import smtplib
import socket
import time

import pytest

from after_commit.mail import Mail, SMTPMailer
from tests.after_commit.smtp import Mailbox, smtp_server

ORDER = Mail(
    to="oak@example.com",
    subject="Order of 10 CHAIR-OAK",
    body="Please deliver 10 of CHAIR-OAK.",
)
SENDER = "inventory@example.com"


async def test_a_mail_reaches_the_server() -> None:
    async with smtp_server(Mailbox()) as mailbox:
        await SMTPMailer("127.0.0.1", mailbox.port, SENDER, 2.0).send(ORDER)

    [received] = mailbox.received
    assert (received["From"], received["To"], received["Subject"]) == (
        "inventory@example.com",
        "oak@example.com",
        "Order of 10 CHAIR-OAK",
    )
    assert received.get_content().rstrip() == "Please deliver 10 of CHAIR-OAK."


async def test_a_refused_mail_raises_what_the_server_said() -> None:
    async with smtp_server(Mailbox(refuse=True)) as mailbox:
        mailer = SMTPMailer("127.0.0.1", mailbox.port, SENDER, 2.0)
        with pytest.raises(smtplib.SMTPDataError, match="Try again later"):
            await mailer.send(ORDER)


async def test_a_silent_server_costs_the_timeout_and_blocks_nothing() -> None:
    # It takes the connection, and never says a word.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        mailer = SMTPMailer("127.0.0.1", silent.getsockname()[1], SENDER, 1.0)
        started = time.monotonic()
        sending = asyncio.create_task(mailer.send(ORDER))

        # smtplib blocks in a thread: the loop runs another task meanwhile.
        await asyncio.sleep(0.01)
        assert not sending.done()
        with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
            await sending

    assert 1.0 <= time.monotonic() - started < 5
