"""SMTP delivery of one message at a time: TLS verified, retries with tenacity, and the one distinction the
ledger needs — a message refused (safe to send again later) from a message whose answer was lost (not safe).

Errors are sorted as: `Transient` (no answer, a connection lost before the body went out, a 4xx reply: tried
again with exponential backoff and jitter), `Permanent` (a 5xx reply or a refused recipient: that recipient
fails at once), `Unknown` (the body went out, then no answer), and DeliveryError (TLS, authentication,
STARTTLS not offered, a server that cannot be reached: no message can go, sending stops).

Every wait has a deadline. The socket's timeout (`smtp.timeout`) bounds one read, and restarts with each: a
server trickling a `220-` line every half second would hold the sender for ever. So each message also has an
overall deadline (`smtp.deadline_seconds`, and no later than the end of the whole `send`): a watchdog thread shuts
the connection down when it passes, whatever smtplib is waiting for, and no try starts after it. A message cut off
so is `Unknown` when its body had gone out, `Permanent` (failed, safe to send again) before; cut off while
connecting, it stops the sending (DeliveryError), as an unreachable server does.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_random_exponential

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
    #: A second descriptor of the connection's socket, for the watchdog: shutting it down ends every wait on the
    #: connection, TLS or not, from another thread (the first descriptor belongs to smtplib and ssl).
    twin: socket.socket | None = None
    watchdog: _Watchdog | None = None
    _host: str  # smtplib's: the server's name, the one its TLS certificate must carry

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        if self.watchdog is not None:  # connecting waits too: no longer than the deadline
            timeout = max(min(timeout, self.watchdog.deadline.left()), 0.001)
        raw = socket.create_connection((host, port), timeout, self.source_address)
        self.twin = raw.dup()
        if self.watchdog is not None:
            self.watchdog.shut_if_fired()  # it may have fired while there was no connection to shut
        return self._wrap(raw)

    def _wrap(self, raw: socket.socket) -> socket.socket:
        return raw

    def close(self) -> None:
        super().close()
        twin, self.twin = self.twin, None
        if twin is not None:
            twin.close()

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

    def _wrap(self, raw: socket.socket) -> socket.socket:
        return self.context.wrap_socket(raw, server_hostname=self._host)


class Deadline:
    """An instant (time.monotonic()) after which nothing more is waited for."""

    def __init__(self, at: float, setting: str):
        self.at = at
        self.setting = setting  # what set it, for the messages

    @classmethod
    def within(cls, seconds: float, setting: str, before: Deadline | None = None) -> Deadline:
        """`seconds` from now, or `before` when that comes first."""
        own = cls(time.monotonic() + seconds, setting)
        return before if before is not None and before.at < own.at else own

    def left(self) -> float:
        return self.at - time.monotonic()


class _Watchdog:
    """Shuts the client's connection down at the deadline (a timer thread), so that the wait in progress ends
    with a lost connection; `fired` then tells that loss from the server's own."""

    def __init__(self, client: _Client, deadline: Deadline):
        self.client = client
        self.deadline = deadline
        self.fired = False
        self._done = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(deadline.left(), 0), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        with self._lock:
            if not self._done:
                self.fired = True
                self._shut()

    def shut_if_fired(self) -> None:
        with self._lock:
            if self.fired and not self._done:
                self._shut()

    def _shut(self) -> None:
        twin = self.client.twin
        if twin is not None:
            with contextlib.suppress(OSError):
                twin.shutdown(socket.SHUT_RDWR)

    @contextlib.contextmanager
    def armed(self) -> Iterator[_Watchdog]:
        self.client.watchdog = self
        self._timer.start()
        try:
            yield self
        finally:
            with self._lock:  # once out of here the watchdog touches nothing: the client may close its socket
                self._done = True
            self._timer.cancel()
            self.client.watchdog = None


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


#: The longest wait for the answer to QUIT, at the end (no message depends on it).
QUIT_SECONDS = 10.0


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
        client = self._client
        if client is not None:
            # A polite QUIT (the messages are already in the ledger), as bounded as any other wait.
            goodbye = Deadline.within(min(self.smtp.timeout, QUIT_SECONDS), "smtp.timeout")
            with contextlib.suppress(OSError), _Watchdog(client, goodbye).armed():
                client.quit()
            self._drop()

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _new_client(self) -> _Client:
        """A client not yet connected: the watchdog is armed on it before it connects."""
        s = self.smtp
        if s.security == "ssl":
            return _ClientSSL(timeout=s.timeout, context=self._tls)
        return _Client(timeout=s.timeout)

    def _open(self, client: _Client) -> None:
        s = self.smtp
        client._host = s.host  # what smtplib's constructor sets, for the certificate's name (TLS)
        code, message = client.connect(s.host, s.effective_port)
        if code != 220:
            raise smtplib.SMTPConnectError(code, message)
        if s.security == "starttls":
            client.starttls(context=self._tls)  # no STARTTLS offered: SMTPNotSupportedError, never plain text
        if s.user:
            client.login(s.user, self._password or "")

    def _attempt(
        self, sender: str, recipient: str, payload: bytes, on_body: Callable[[], None], deadline: Deadline
    ) -> str:
        connecting = self._client is None
        client = self._client if self._client is not None else self._new_client()
        watchdog = _Watchdog(client, deadline)
        try:
            with watchdog.armed():
                if connecting:
                    self._open(client)
                    self._client = client
                connecting = False
                client.on_body, client.body_sent, client.last_reply = on_body, False, ""
                client.sendmail(sender, [recipient], payload)
                return client.last_reply
        except OSError as exc:  # smtplib's and ssl's errors are OSErrors; anything else is a bug and propagates
            client.close()
            self._client = None
            if watchdog.fired:
                raise self._expired(deadline, connecting, client.body_sent) from exc
            raise _classify(exc, connecting, client.body_sent, self.where) from exc
        except BaseException:
            client.close()  # stopped mid-transaction (the ledger, Ctrl-C): no polite QUIT on that connection
            self._client = None
            raise

    def _expired(self, deadline: Deadline, connecting: bool, body_sent: bool) -> Exception:
        """What a message cut off by its deadline is, as the ledger's rules say."""
        limit = f"the deadline ({deadline.setting})"
        if body_sent:
            return Unknown(f"no answer from the server within {limit} after the message was sent")
        if connecting:
            return DeliveryError(f"{self.where}: the server did not answer within {limit}")
        return Permanent(f"not sent: the server did not answer within {limit}")

    def deliver(
        self,
        sender: str,
        recipient: str,
        payload: bytes,
        on_body: Callable[[], None],
        before: Deadline | None = None,
    ) -> str:
        """Send one message; returns the server's final answer. Raises Permanent, Unknown or DeliveryError.

        Everything (connecting, each try, the waits between tries) ends by `smtp.deadline_seconds` from now, or by
        `before` (the whole send's deadline) when that comes first."""
        s = self.smtp
        deadline = Deadline.within(s.deadline_seconds, "smtp.deadline_seconds", before)

        def stop(state: RetryCallState) -> bool:
            return state.attempt_number >= s.attempts or deadline.left() <= 0

        backoff = wait_random_exponential(multiplier=1, max=s.max_wait)
        retrying = Retrying(
            retry=retry_if_exception_type(Transient),
            stop=stop,
            wait=lambda state: max(min(backoff(state), deadline.left()), 0),
            reraise=True,
            before_sleep=lambda state: log.warning(
                "%s: try %d failed (%s), trying again",
                recipient,
                state.attempt_number,
                state.outcome.exception() if state.outcome else "?",
            ),
        )
        try:
            return retrying(self._attempt, sender, recipient, payload, on_body, deadline)
        except Transient as exc:
            tries = retrying.statistics.get("attempt_number", s.attempts)
            after = f"{tries} tr{'ies' if tries > 1 else 'y'}" + (
                "" if tries >= s.attempts else f" ({deadline.setting})"
            )
            if exc.connecting:
                raise DeliveryError(f"cannot reach the SMTP server {self.where} after {after}: {exc}") from exc
            raise Permanent(f"{exc} (after {after})") from exc
