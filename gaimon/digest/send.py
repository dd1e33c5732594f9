"""Send an approved digest to its subscribers: each week and subscriber at most once.

Each copy's fate is recorded in digest_sends before and after the SMTP transaction:
'sending' is committed before the message is handed over, 'sent' after the server accepted
it, 'failed' when the server refused it (nothing was delivered; it is retried). A crash or a
lost connection while the message is being handed over leaves 'sending': the copy may or may
not have arrived. Such copies are reported and not sent again unless an operator, having
checked the mail log for their Message-ID, asks for it (`resend_unknown`). A reader missing one
digest is the lesser harm than a reader getting it twice, or a repeated run mailing everyone.
"""

from __future__ import annotations

import fcntl
import logging
import smtplib
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

from gaimon.digest import archive, render
from gaimon.digest.mail import (
    SmtpSettings,
    Subscriber,
    compose,
    load_subscribers,
    message_id,
    unsubscribe_link,
)
from gaimon.digest.model import DigestData
from gaimon.digest.workflow import folder, frozen, store
from gaimon.errors import GaimonError
from gaimon.home import Home

log = logging.getLogger(__name__)


class Refused(Exception):
    """The server refused the message, or could not be reached: nothing was delivered.

    `permanent` for a 5xx reply: the server will refuse the same message again, so it is not
    repeated within this run (RFC 5321, 4.2.1); the next run tries it once more.
    """

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.permanent = code is not None and 500 <= code < 600


def _reply(step: str, code: int, reply: bytes) -> str:
    return f"{step} refused: {code} {reply.decode(errors='replace')}"


class Unreachable(Refused):
    """No connection to the SMTP server (or no login): no copy can go out now."""


class Unknown(Exception):
    """The connection failed while the message was being handed over: it may have arrived."""


@dataclass
class SendReport:
    week: str
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unknown


class Transport:
    """One SMTP connection, opened when first needed and re-opened after a failure."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        try:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(
                    context=ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
                )
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password.get_secret_value() if s.password else "")
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"cannot connect to {s}: {exc}") from exc
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
        self.smtp = None

    def deliver(self, message: EmailMessage, recipient: str) -> None:
        """One SMTP transaction. Refusals before and at the end of DATA raise Refused; a broken
        connection once DATA is under way raises Unknown."""
        if self.smtp is None:
            self.smtp = self._open()
        smtp = self.smtp
        buffer = BytesIO()
        BytesGenerator(buffer, policy=message.policy.clone(linesep="\r\n")).flatten(message)
        try:
            code, reply = smtp.mail(self.settings.sender)
            if code != 250:
                raise Refused(_reply("MAIL FROM", code, reply), code)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                raise Refused(_reply("RCPT TO", code, reply), code)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise Refused(f"before DATA: {exc}") from exc
        except Refused:
            self._reset()
            raise
        try:
            # smtplib raises only when DATA itself is refused; the server's verdict on the
            # message, after the final dot, comes back as a reply that must be read here.
            code, reply = smtp.data(buffer.getvalue())
        except smtplib.SMTPDataError as exc:
            self._reset()
            raise Refused(_reply("DATA", exc.smtp_code, exc.smtp_error), exc.smtp_code) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise Unknown(f"connection lost during DATA: {exc}") from exc
        if 200 <= code < 300:
            return
        if 400 <= code < 600:
            self._reset()
            raise Refused(_reply("message", code, reply), code)
        # No verdict a client can read: the server may have queued the message.
        self.close()
        raise Unknown(f"no valid reply at the end of DATA: {code} {reply.decode(errors='replace')}")

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Sender:
    def __init__(self, home: Home, week: str, settings: SmtpSettings, retries: int, backoff: float):
        self.home, self.week, self.settings = home, week, settings
        self.retries, self.backoff = max(retries, 1), backoff
        self.state = store(home)
        self.pdfs: dict[tuple, bytes] = {}

    def view(self, datas: dict[str, DigestData], subscriber: Subscriber) -> DigestData:
        data = datas.get(subscriber.lang) or datas["nl"]
        return data.only(subscriber.chosen, subscriber.operator)

    def pdf(self, data: DigestData, subscriber: Subscriber) -> bytes | None:
        if not subscriber.pdf:
            return None
        key = (data.lang, tuple(subscriber.chosen or ()), subscriber.operator)
        if key not in self.pdfs:
            self.pdfs[key] = render.render_pdf(data, "approved")
        return self.pdfs[key]

    def one(
        self,
        transport: Transport,
        message: EmailMessage,
        address: str,
        attempts: int,
        report: SendReport,
    ) -> None:
        mid = message["Message-ID"]
        for attempt in range(self.retries):
            attempts += 1
            self.state.mark(self.week, address, mid, "sending", attempts)
            try:
                transport.deliver(message, address)
            except Refused as exc:
                self.state.mark(self.week, address, mid, "failed", attempts, str(exc)[:500])
                log.warning(
                    "digest %s to %s refused (attempt %d): %s", self.week, address, attempts, exc
                )
                if attempt + 1 < self.retries and not exc.permanent:
                    time.sleep(self.backoff * 2**attempt)
                    continue
                report.failed[address] = str(exc)
                if isinstance(exc, Unreachable):
                    raise
            except Unknown as exc:
                log.error(
                    "digest %s to %s: outcome unknown, not retried: %s", self.week, address, exc
                )
                report.unknown.append(address)
            else:
                self.state.mark(self.week, address, mid, "sent", attempts)
                log.info("digest %s sent to %s", self.week, address)
                report.sent.append(address)
            return


class SendBusy(GaimonError, RuntimeError):
    """Another process is sending this week's digest."""


@contextmanager
def one_sender(week_folder: Path) -> Iterator[None]:
    """Hold the week's send lock: two runs at once would both see a copy as not yet sent."""
    week_folder.mkdir(parents=True, exist_ok=True)
    with open(week_folder / "send.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise SendBusy(f"another `gaimon digest send` is sending {week_folder.name}") from exc
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def send_digest(
    home: Home,
    week: str,
    subscribers_path: Path | str,
    smtp_settings: SmtpSettings,
    retries: int = 3,
    backoff: float = 2.0,
    resend_unknown: bool | list[str] = False,
    archive_url: str | None = None,
) -> SendReport:
    """Send the approved digest of `week` to every subscriber who has not had it yet.

    `resend_unknown`: True, or a list of addresses, to send again copies whose earlier send
    was cut off (status 'sending'), after checking the mail log that they did not arrive.
    """
    datas = frozen(home, week)
    listing = load_subscribers(subscribers_path)
    sender = Sender(home, week, smtp_settings, retries, backoff)
    report = SendReport(week)
    with one_sender(folder(home, week)), Transport(smtp_settings) as transport:
        earlier = sender.state.sends(week)
        for subscriber in listing.subscribers:
            address = subscriber.address
            prior = earlier.get(address)
            if prior and prior.status == "sent":
                report.skipped.append(address)
                continue
            if (
                prior
                and prior.status == "sending"
                and not (
                    resend_unknown is True
                    or (isinstance(resend_unknown, list) and address in resend_unknown)
                )
            ):
                report.unknown.append(address)
                continue
            data = sender.view(datas, subscriber)
            link = (
                f"{archive_url.rstrip('/')}/{week}/{archive.file_name('html', data.lang)}"
                if archive_url
                else None
            )
            message = compose(
                data,
                subscriber,
                smtp_settings,
                unsubscribe_link(listing.unsubscribe, subscriber, smtp_settings),
                sender.pdf(data, subscriber),
                link,
            )
            assert message["Message-ID"] == message_id(week, address, smtp_settings.sender)
            try:
                sender.one(transport, message, address, prior.attempts if prior else 0, report)
            except Unreachable as exc:
                left = [
                    s.address
                    for s in listing.subscribers
                    if s.address not in report.failed
                    and s.address not in report.sent
                    and s.address not in report.skipped
                    and s.address not in report.unknown
                ]
                report.failed.update({a: f"not attempted: {exc}" for a in left})
                break
    return report
