"""SMTP delivery of one message at a time: TLS verified, retries with tenacity, and the one distinction the
ledger needs — a message refused (safe to send again later) from a message whose answer was lost (not safe).

Errors are sorted as: `Transient` (no answer, a connection lost before the body went out, a 4xx reply: tried
again with exponential backoff and jitter), `Permanent` (a 5xx reply or a refused recipient: that recipient
fails at once), `Unknown` (the body went out, then no answer), and DeliveryError (TLS, authentication,
STARTTLS not offered, a server that cannot be reached: no message can go, sending stops).
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from typing import Any

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from ranking.deliver.ledger import DeliveryError
from ranking.settings import Smtp

log = logging.getLogger(__name__)


class Transient(Exception):
    """Worth another try: no answer, a lost connection before the message went out, a 4xx reply."""

    def __init__(self, detail: str, connecting: bool):
        super().__init__(detail)
        self.connecting = connecting


class Permanent(Exception):
    """This recipient fails: a 5xx reply or a refused recipient."""


class Unknown(Exception):
    """The server had the whole message, then the connection was lost before its answer."""


class _Client(smtplib.SMTP):
    """smtplib's client, telling when the body has gone out (to tell a lost answer from a lost message)."""

    on_body: Callable[[], None] | None = None
    body_sent = False
    last_reply = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        payload = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", msg)
        payload = re.sub(rb"(?m)^\.", b"..", payload)
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        if self.on_body is not None:
            self.on_body()
        self.send(payload + b".\r\n")
        self.body_sent = True
        code, reply = self.getreply()
        self.last_reply = f"{code} {reply.decode('utf-8', 'replace')}"
        return code, reply


class _ClientSSL(_Client, smtplib.SMTP_SSL):
    """The same over implicit TLS (security = ssl)."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{c} {m.decode('utf-8', 'replace')}" for c, m in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _classify(exc: OSError, connecting: bool, body_sent: bool, where: str) -> Exception:
    """The exception to raise for an error of smtplib, ssl or the network (all of them are OSErrors)."""
    detail = _describe(exc)
    code = None
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code = next(iter(exc.recipients.values()))[0]
    elif isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
    lost = not isinstance(exc, ssl.SSLError) and (
        isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(exc, smtplib.SMTPException)
    )  # the connection broke or timed out: no answer from the server
    if lost and body_sent:
        return Unknown(f"connection lost after the message was sent, before the server's answer ({detail})")
    if lost or (code is not None and 400 <= code < 500):
        return Transient(detail, connecting)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryError(
            f"{where}: TLS certificate not trusted ({exc.verify_message}); "
            "for a private CA, set smtp.ca_file or RANKING_SMTP_CA_FILE"
        )
    if connecting or isinstance(exc, ssl.SSLError):
        # The session itself failed (greeting, TLS, STARTTLS not offered, authentication): no message can go.
        return DeliveryError(f"{where}: {detail}")
    return Permanent(detail)


class Mailer:
    """One SMTP connection, opened on demand, reopened after an error, with tenacity's retries per message."""

    def __init__(self, smtp: Smtp, password: str | None):
        self.smtp = smtp
        self._password = password
        self._client: _Client | None = None
        try:
            self._tls = ssl.create_default_context(cafile=smtp.ca_file or None) if smtp.security != "none" else None
        except (ssl.SSLError, OSError) as exc:
            raise DeliveryError(f"{smtp.ca_file}: not a readable CA bundle ({exc})") from None
        self.where = f"{smtp.host}:{smtp.effective_port}"

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._client is not None:
            with contextlib.suppress(OSError):  # a polite QUIT; the messages are already in the ledger
                self._client.quit()
            self._drop()

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _connect(self) -> _Client:
        s = self.smtp
        client: _Client
        if s.security == "ssl":
            client = _ClientSSL(s.host, s.effective_port, timeout=s.timeout, context=self._tls)
        else:
            client = _Client(s.host, s.effective_port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                client.starttls(context=self._tls)  # no STARTTLS offered: SMTPNotSupportedError, never plain text
            if s.user:
                client.login(s.user, self._password or "")
        except BaseException:
            client.close()
            raise
        return client

    def _attempt(self, sender: str, recipient: str, payload: bytes, on_body: Callable[[], None]) -> str:
        connecting = self._client is None
        client = self._client
        try:
            if client is None:
                client = self._client = self._connect()
            connecting = False
            client.on_body, client.body_sent, client.last_reply = on_body, False, ""
            client.sendmail(sender, [recipient], payload)
            return client.last_reply
        except OSError as exc:  # smtplib's and ssl's errors are OSErrors; anything else is a bug and propagates
            body_sent = client is not None and client.body_sent
            self._drop()
            raise _classify(exc, connecting, body_sent, self.where) from exc
        except BaseException:
            self._drop()  # stopped mid-transaction (the ledger, Ctrl-C): no polite QUIT on that connection
            raise

    def deliver(self, sender: str, recipient: str, payload: bytes, on_body: Callable[[], None]) -> str:
        """Send one message; returns the server's final answer. Raises Permanent, Unknown or DeliveryError."""
        s = self.smtp
        retrying = Retrying(
            retry=retry_if_exception_type(Transient),
            stop=stop_after_attempt(s.attempts),
            wait=wait_random_exponential(multiplier=1, max=s.max_wait),
            reraise=True,
            before_sleep=lambda state: log.warning(
                "%s: try %d failed (%s), trying again",
                recipient,
                state.attempt_number,
                state.outcome.exception() if state.outcome else "?",
            ),
        )
        try:
            return retrying(self._attempt, sender, recipient, payload, on_body)
        except Transient as exc:
            if exc.connecting:
                raise DeliveryError(
                    f"cannot reach the SMTP server {self.where} after {s.attempts} tries: {exc}"
                ) from exc
            raise Permanent(f"{exc} (after {s.attempts} tries)") from exc
