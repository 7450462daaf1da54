"""Mail to organizers (never to or about citizens): over SMTP, or, with no mail server set up,
written to the log for the operator to pass on."""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class MailFailed(Exception):
    """The mail server could not be reached or refused the message."""


class Mailer(Protocol):
    # False when mail only reaches the log: pages say so.
    delivers: bool

    def send(self, message: Message) -> None:
        """Send one message, or raise MailFailed."""
        ...


class SMTPMailer:
    """A mail server (MAIL_SERVER, MAIL_PORT; MAIL_USE_TLS for STARTTLS; MAIL_USERNAME and
    MAIL_PASSWORD when it wants a login), given `timeout` seconds per step."""

    delivers = True

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        timeout: float = 10.0,
        concurrency: int = 2,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.use_tls = username, password, use_tls
        self.timeout = timeout
        # Messages sent at once: a hung mail server holds this many threads, not all of them.
        self._slots = threading.BoundedSemaphore(concurrency)

    def send(self, message: Message) -> None:
        if not self._slots.acquire(blocking=False):
            raise MailFailed("too many messages at once")
        try:
            self._send(message)
        finally:
            self._slots.release()

    def _send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                if self.use_tls:
                    server.starttls(context=ssl.create_default_context())
                if self.username:
                    server.login(self.username, self.password or "")
                server.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            # The class only: a refusal may quote the address.
            raise MailFailed(exc.__class__.__name__) from None


class LogMailer:
    """No mail server set up (a fresh install): each message goes to the log, where the
    operator finds the link to pass on."""

    delivers = False

    def send(self, message: Message) -> None:
        log.warning(
            "No mail server is set up (MAIL_SERVER), so this was not sent.\nTo: %s\n"
            "Subject: %s\n\n%s",
            message.to, message.subject, message.body,
        )  # fmt: skip
