"""Mails sent through an SMTP server."""

import asyncio
import smtplib
from email.message import EmailMessage

from reviews.service.mail import AbstractMailer, Mail


class SMTPMailer(AbstractMailer):
    """Sends each mail through the SMTP server at ``host:port``.

    Each step of the talk (connect, greeting, EHLO, MAIL, RCPT, DATA, QUIT)
    waits at most ``timeout`` seconds.
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
