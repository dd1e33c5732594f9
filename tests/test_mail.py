"""Sending the approved digest to a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from digest_world import plant
from typer.testing import CliRunner

from gaimon import warehouse
from gaimon.cli import app
from gaimon.digest import DigestError, approve_digest, build_digest
from gaimon.digest.mail import SmtpSettings, load_subscribers, message_id
from gaimon.digest.send import send_digest
from gaimon.digest.workflow import store
from gaimon.errors import GaimonError
from gaimon.home import Home

SECRET = "s3cret-Pa55word"
SUBSCRIBERS = {
    "unsubscribe": "https://digest.example/unsubscribe?who={address}",
    "subscribers": [
        {
            "address": "zorg@minvws.example",
            "name": "Beleid Zorg",
            "sectors": ["healthcare"],
            "lang": "nl",
        },
        {"address": "edu@ocw.example", "sectors": ["education"], "lang": "en", "pdf": False},
        {"address": "ops@gaimon.example", "sectors": ["all"], "operator": True, "pdf": False},
    ],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it accepts; it can refuse or stall on cue."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: dict[str, int] = {}
        self.verdicts: dict[str, list[str]] = {}  # replies, in turn, at the end of DATA
        self.rcpt_verdicts: dict[str, list[str]] = {}  # replies, in turn, to RCPT TO
        self.stall: str | None = None
        self.stalled = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_verdicts.get(address):
            return self.rcpt_verdicts[address].pop(0)
        if self.refuse.get(address, 0) > 0:
            self.refuse[address] -= 1
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall in envelope.rcpt_tos:
            self.stalled.set()
            await asyncio.sleep(3600)
        for address in envelope.rcpt_tos:
            if self.verdicts.get(address):
                return self.verdicts[address].pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK queued"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def approved(tmp_path):
    home = Home(tmp_path / "home").ensure()
    warehouse.init(home.warehouse)
    week = plant(home)
    build_digest(home, week, pdf=False)
    approve_digest(home, week, by="ana")
    path = tmp_path / "subscribers.yaml"
    path.write_text(yaml.safe_dump(SUBSCRIBERS), encoding="utf-8")
    return home, week, path


def settings_for(port: int, **extra) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1", port=port, starttls=False, sender="digest@gaimon.example", **extra
    )


def parts(message) -> dict[str, list]:
    found: dict[str, list] = {}
    for part in message.walk():
        found.setdefault(part.get_content_type(), []).append(part)
    return found


def test_each_subscriber_gets_one_message_and_none_again(approved, inbox):
    home, week, subscribers = approved
    report = send_digest(home, week, subscribers, settings_for(inbox.port), backoff=0)
    assert report.ok and sorted(report.sent) == sorted(
        s["address"] for s in SUBSCRIBERS["subscribers"]
    )
    assert len(inbox.messages) == 3
    for entry in SUBSCRIBERS["subscribers"]:
        (message,) = inbox.to(entry["address"])
        found = parts(message)
        assert {"text/plain", "text/html", "image/png"} <= set(found)
        html = found["text/html"][0].get_content()
        for image in found["image/png"]:
            assert f"cid:{image['Content-ID'].strip('<>')}" in html
        assert message["Message-ID"] == message_id(week, entry["address"], "digest@gaimon.example")
        assert (
            message["List-Unsubscribe"]
            == f"<https://digest.example/unsubscribe?who={entry['address']}>"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert ("application/pdf" in found) == entry.get("pdf", True)
    zorg = parts(inbox.to("zorg@minvws.example")[0])["text/html"][0].get_content()
    assert "Betrouwbaarheid in Zorg" in zorg and 'id="sector-education"' not in zorg
    assert "Voor beheerders" not in zorg and "<script" not in zorg
    edu = inbox.to("edu@ocw.example")[0]
    assert "generative AI signals" in edu["Subject"] and "(Education)" in edu["Subject"]
    assert 'id="sector-healthcare"' not in parts(edu)["text/html"][0].get_content()
    assert (
        "Voor beheerders" in parts(inbox.to("ops@gaimon.example")[0])["text/html"][0].get_content()
    )

    again = send_digest(home, week, subscribers, settings_for(inbox.port), backoff=0)
    assert again.sent == [] and len(again.skipped) == 3 and len(inbox.messages) == 3
    rows = store(home).sends(week)
    assert {r.status for r in rows.values()} == {"sent"} and {
        r.attempts for r in rows.values()
    } == {1}


def test_only_an_approved_digest_is_sent(tmp_path, inbox):
    home = Home(tmp_path / "home").ensure()
    warehouse.init(home.warehouse)
    week = plant(home)
    build_digest(home, week, pdf=False)
    path = tmp_path / "subscribers.yaml"
    path.write_text(yaml.safe_dump(SUBSCRIBERS), encoding="utf-8")
    with pytest.raises(DigestError, match="not approved"):
        send_digest(home, week, path, settings_for(inbox.port))
    assert inbox.messages == []


def test_a_refusal_is_retried_and_reported(approved, inbox):
    home, week, subscribers = approved
    inbox.refuse = {"zorg@minvws.example": 1, "edu@ocw.example": 5}
    report = send_digest(home, week, subscribers, settings_for(inbox.port), retries=2, backoff=0)
    assert sorted(report.sent) == ["ops@gaimon.example", "zorg@minvws.example"]
    assert list(report.failed) == ["edu@ocw.example"] and "451" in report.failed["edu@ocw.example"]
    rows = store(home).sends(week)
    assert (rows["zorg@minvws.example"].status, rows["zorg@minvws.example"].attempts) == ("sent", 2)
    assert (rows["edu@ocw.example"].status, rows["edu@ocw.example"].attempts) == ("failed", 2)
    # The next run retries only the failed copy.
    inbox.refuse = {}
    again = send_digest(home, week, subscribers, settings_for(inbox.port), backoff=0)
    assert again.sent == ["edu@ocw.example"] and len(inbox.messages) == 3


def status_of(home: Home, week: str) -> dict[str, str]:
    """What `gaimon digest status` shows per subscriber: status and error."""
    result = CliRunner().invoke(
        app, ["digest", "status", "--week", week, "--home", str(home.root)], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    return {
        line.split("│")[1].strip(): line
        for line in result.output.splitlines()
        if line.count("│") > 3 and "@" in line
    }


def test_a_message_refused_at_the_end_of_data_is_failed_and_sent_later(approved, inbox):
    home, week, subscribers = approved
    inbox.verdicts = {"zorg@minvws.example": ["554 5.7.1 message rejected as spam"]}
    report = send_digest(home, week, subscribers, settings_for(inbox.port), retries=3, backoff=0)
    assert sorted(report.sent) == ["edu@ocw.example", "ops@gaimon.example"] and not report.ok
    assert "554" in report.failed["zorg@minvws.example"]
    assert inbox.to("zorg@minvws.example") == []
    row = store(home).sends(week)["zorg@minvws.example"]
    # A permanent refusal is not repeated within the run: the server would refuse it again.
    assert (row.status, row.attempts) == ("failed", 1) and "554" in row.error
    shown = status_of(home, week)
    assert "failed" in shown["zorg@minvws.example"] and "sent" in shown["edu@ocw.example"]

    # Once the server accepts it, the next run sends that copy, and only that one.
    again = send_digest(home, week, subscribers, settings_for(inbox.port), backoff=0)
    assert again.sent == ["zorg@minvws.example"] and again.ok
    assert len(inbox.to("zorg@minvws.example")) == 1 and len(inbox.messages) == 3
    assert store(home).sends(week)["zorg@minvws.example"].status == "sent"


def test_a_temporary_refusal_at_the_end_of_data_is_retried_within_the_run(approved, inbox):
    home, week, subscribers = approved
    inbox.verdicts = {
        "edu@ocw.example": ["451 4.3.0 queue full, try again later"],
        "ops@gaimon.example": ["452 4.3.1 out of space"] * 3,
    }
    report = send_digest(home, week, subscribers, settings_for(inbox.port), retries=3, backoff=0)
    assert sorted(report.sent) == ["edu@ocw.example", "zorg@minvws.example"]
    assert (
        list(report.failed) == ["ops@gaimon.example"]
        and "452" in report.failed["ops@gaimon.example"]
    )
    rows = store(home).sends(week)
    assert (rows["edu@ocw.example"].status, rows["edu@ocw.example"].attempts) == ("sent", 2)
    assert (rows["ops@gaimon.example"].status, rows["ops@gaimon.example"].attempts) == ("failed", 3)
    assert len(inbox.to("edu@ocw.example")) == 1 and inbox.to("ops@gaimon.example") == []
    again = send_digest(home, week, subscribers, settings_for(inbox.port), backoff=0)
    assert again.sent == ["ops@gaimon.example"] and len(inbox.messages) == 3


def test_a_recipient_refused_for_good_is_failed_at_once(approved, inbox):
    home, week, subscribers = approved
    inbox.rcpt_verdicts = {"edu@ocw.example": ["550 5.1.1 no such mailbox"]}
    report = send_digest(home, week, subscribers, settings_for(inbox.port), retries=3, backoff=0)
    assert list(report.failed) == ["edu@ocw.example"] and "550" in report.failed["edu@ocw.example"]
    row = store(home).sends(week)["edu@ocw.example"]
    assert (row.status, row.attempts) == ("failed", 1) and inbox.to("edu@ocw.example") == []
    again = send_digest(home, week, subscribers, settings_for(inbox.port), backoff=0)
    assert again.sent == ["edu@ocw.example"] and len(inbox.to("edu@ocw.example")) == 1


def test_an_unreachable_server_sends_nothing_and_says_so(approved):
    home, week, subscribers = approved
    report = send_digest(home, week, subscribers, settings_for(free_port()), retries=2, backoff=0)
    assert report.sent == [] and len(report.failed) == 3
    assert sum("not attempted" in e for e in report.failed.values()) == 2
    assert {r.status for r in store(home).sends(week).values()} == {"failed"}


def test_a_send_cut_off_by_a_crash_is_not_repeated(approved, inbox):
    home, week, subscribers = approved
    inbox.stall = "edu@ocw.example"
    env = {
        **os.environ,
        "GAIMON_HOME": str(home.root),
        "GAIMON_SMTP_HOST": "127.0.0.1",
        "GAIMON_SMTP_PORT": str(inbox.port),
        "GAIMON_SMTP_STARTTLS": "false",
        "GAIMON_SMTP_FROM": "digest@gaimon.example",
    }
    command = [
        sys.executable,
        "-c",
        "from gaimon.cli import app; app()",
        "digest",
        "send",
        "--week",
        week,
        "--subscribers",
        str(subscribers),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert inbox.stalled.wait(180), "the send never reached the second subscriber"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    assert [rcpt for rcpt, _ in inbox.messages] == [["zorg@minvws.example"]]
    assert store(home).sends(week)["edu@ocw.example"].status == "sending"

    inbox.stall = None
    report = send_digest(home, week, subscribers, settings_for(inbox.port), backoff=0)
    assert report.skipped == ["zorg@minvws.example"] and report.unknown == ["edu@ocw.example"]
    assert report.sent == ["ops@gaimon.example"] and not report.ok
    assert len(inbox.to("edu@ocw.example")) == 0 and len(inbox.to("zorg@minvws.example")) == 1

    # After checking the mail log, the operator asks for that copy explicitly.
    report = send_digest(
        home, week, subscribers, settings_for(inbox.port), resend_unknown=["edu@ocw.example"]
    )
    assert report.sent == ["edu@ocw.example"] and report.ok and len(inbox.messages) == 3


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_starttls_and_login_without_the_password_in_any_output(approved, tmp_path, caplog):
    home, week, subscribers = approved
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.login.decode())
        return AuthResult(
            success=auth_data.login == b"digest" and auth_data.password == SECRET.encode()
        )

    handler = Inbox()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        env = {
            "GAIMON_SMTP_HOST": "127.0.0.1",
            "GAIMON_SMTP_PORT": str(controller.port),
            "GAIMON_SMTP_STARTTLS": "true",
            "GAIMON_SMTP_USER": "digest",
            "GAIMON_SMTP_PASSWORD": SECRET,
            "GAIMON_SMTP_FROM": "digest@gaimon.example",
            "GAIMON_SMTP_CA_FILE": str(cert),
        }
        settings = SmtpSettings.from_env(env)
        assert SECRET not in str(settings) and SECRET not in repr(settings)
        assert SECRET not in settings.model_dump_json()
        caplog.set_level(logging.DEBUG)
        result = CliRunner().invoke(
            app,
            [
                "digest",
                "send",
                "--week",
                week,
                "--subscribers",
                str(subscribers),
                "--home",
                str(home.root),
            ],
            env=env,
        )
        assert result.exit_code == 0, result.output
        assert len(handler.messages) == 3 and logins and set(logins) == {"digest"}
        assert SECRET not in result.output and SECRET not in caplog.text
        # A wrong password: no copy goes out, the run fails, the password is still not shown.
        # (aiosmtpd stalls after a refused AUTH, hence the short timeout.)
        wrong = {**env, "GAIMON_SMTP_PASSWORD": "not-" + SECRET, "GAIMON_SMTP_TIMEOUT": "3"}
        newcomer = tmp_path / "newcomer.yaml"
        newcomer.write_text(
            yaml.safe_dump({"subscribers": [{"address": "new@ocw.example"}]}), encoding="utf-8"
        )
        result = CliRunner().invoke(
            app,
            [
                "digest",
                "send",
                "--week",
                week,
                "--home",
                str(home.root),
                "--subscribers",
                str(newcomer),
                "--retries",
                "1",
            ],
            env=wrong,
        )
        assert result.exit_code == 1 and "new@ocw.example" in result.output
        assert "not-" + SECRET not in result.output and "not-" + SECRET not in caplog.text
        assert len(handler.messages) == 3
    finally:
        controller.stop()


def test_settings_and_subscribers_are_checked(tmp_path):
    with pytest.raises(ValueError, match="GAIMON_SMTP_HOST"):
        SmtpSettings.from_env({"GAIMON_SMTP_FROM": "a@b.example"})
    settings = SmtpSettings.from_env(
        {"GAIMON_SMTP_HOST": "mail.example", "GAIMON_SMTP_FROM": "a@b.example"}
    )
    assert (settings.port, settings.starttls, settings.password) == (587, True, None)
    bad = tmp_path / "bad.yaml"
    for listing, error in (
        (
            {"subscribers": [{"address": "x@y.example", "sectors": ["hospitals"]}]},
            "unknown sectors",
        ),
        ({"subscribers": [{"address": "not an address"}]}, "not an e-mail address"),
        (
            {"subscribers": [{"address": "x@y.example\r\nBcc: all@y.example"}]},
            "not an e-mail address",
        ),
        ({"subscribers": [{"address": "x@y.example"}, {"address": "X@y.example"}]}, "listed twice"),
        ({"unsubscribe": "javascript:alert(1)", "subscribers": []}, "mailto"),
    ):
        bad.write_text(yaml.safe_dump(listing), encoding="utf-8")
        with pytest.raises(ValueError, match=error) as refused:
            load_subscribers(bad)
        assert isinstance(refused.value, GaimonError) and str(bad) in str(refused.value)
        assert "\n" not in str(refused.value)
    bad.write_text("subscribers: [address: x@y.example\n  - :", encoding="utf-8")
    with pytest.raises(GaimonError, match=f"subscribers file {bad} is not YAML"):
        load_subscribers(bad)
    with pytest.raises(GaimonError, match="subscribers file .*missing.yaml: No such file"):
        load_subscribers(tmp_path / "missing.yaml")
    with pytest.raises(GaimonError, match="GAIMON_SMTP_PORT: .*integer") as refused:
        SmtpSettings.from_env(
            {
                "GAIMON_SMTP_HOST": "h",
                "GAIMON_SMTP_FROM": "a@b.example",
                "GAIMON_SMTP_PORT": "smtp",
                "GAIMON_SMTP_PASSWORD": SECRET,
            }
        )
    assert SECRET not in str(refused.value)
    example = load_subscribers(
        Path(__file__).parent.parent / "gaimon" / "digest" / "subscribers.example.yaml"
    )
    assert example.subscribers and example.subscribers[0].lang == "nl"


def test_two_sends_of_one_week_cannot_run_at_once(approved, inbox):
    from gaimon.digest.send import SendBusy, one_sender

    home, week, subscribers = approved
    with one_sender(home.digests / week), pytest.raises(SendBusy):
        send_digest(home, week, subscribers, settings_for(inbox.port))
    assert inbox.messages == [] and store(home).sends(week) == {}
