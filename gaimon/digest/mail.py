"""Subscribers, SMTP settings and the e-mail message of one reader's digest."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator

from gaimon.digest import render
from gaimon.digest.model import DigestData
from gaimon.errors import GaimonError
from gaimon.taxonomy import default_taxonomy

ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
ALL = "all"


class SettingsError(GaimonError, ValueError):
    """The subscribers file or the SMTP settings cannot be used; the message says where."""


def _first_error(exc: ValidationError) -> str:
    """pydantic's report in one line: where, and what is wrong there."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "top level"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg'].removeprefix('Value error, ')}{more}"


def check_address(value: str) -> str:
    value = value.strip()
    if not ADDRESS.match(value):
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


class Subscriber(BaseModel):
    """One reader: which sectors, which language, and whether they run gaimon."""

    address: str
    name: str | None = None
    sectors: list[str] = Field(default_factory=lambda: [ALL])
    lang: Literal["nl", "en"] = "nl"
    operator: bool = False
    pdf: bool = True

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return check_address(value).lower()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value and any(c in value for c in "\r\n"):
            raise ValueError("a name must be one line")
        return value

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, value: list[str]) -> list[str]:
        known = set(default_taxonomy().ids("sectors")) | {ALL}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown sectors {unknown}; use taxonomy ids or {ALL!r}")
        return value

    @property
    def chosen(self) -> list[str] | None:
        """The sectors to send, None meaning all."""
        return None if ALL in self.sectors else self.sectors


class SubscriberList(BaseModel):
    """The subscribers file: who gets the digest, and where they unsubscribe."""

    unsubscribe: str = "mailto:{sender}?subject=unsubscribe"
    subscribers: list[Subscriber]

    @model_validator(mode="after")
    def _unique(self) -> SubscriberList:
        seen = [s.address for s in self.subscribers]
        doubles = sorted({a for a in seen if seen.count(a) > 1})
        if doubles:
            raise ValueError(f"listed twice: {', '.join(doubles)}")
        if not self.unsubscribe.startswith(("mailto:", "https://")):
            raise ValueError("unsubscribe must be a mailto: or https:// address")
        return self


def load_subscribers(path: Path | str) -> SubscriberList:
    try:
        with open(path, encoding="utf-8") as fh:
            return SubscriberList.model_validate(yaml.safe_load(fh) or {})
    except OSError as exc:
        raise SettingsError(f"subscribers file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SettingsError(
            f"subscribers file {path} is not YAML: {' '.join(str(exc).split())}"
        ) from exc
    except ValidationError as exc:
        raise SettingsError(f"subscribers file {path}: {_first_error(exc)}") from exc


class SmtpSettings(BaseModel):
    """Where mail goes. From the environment; the password never appears in output or logs."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: SecretStr | None = None
    sender: str
    sender_name: str = "gaimon"
    ca_file: Path | None = None
    timeout: float = 30.0

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return check_address(value)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpSettings:
        """From GAIMON_SMTP_HOST, _PORT, _STARTTLS, _USER, _PASSWORD, _FROM, _FROM_NAME, _CA_FILE
        and _TIMEOUT."""
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = env.get(f"GAIMON_SMTP_{name}")
            return value if value not in (None, "") else None

        missing = [n for n in ("HOST", "FROM") if get(n) is None]
        if missing:
            raise SettingsError("set " + " and ".join(f"GAIMON_SMTP_{n}" for n in missing))
        values = {
            "host": get("HOST"),
            "sender": get("FROM"),
            "user": get("USER"),
            "password": get("PASSWORD"),
            "ca_file": get("CA_FILE"),
        }
        if get("STARTTLS") is not None:
            values["starttls"] = get("STARTTLS").lower() in ("1", "true", "yes", "on")
        for key, name in (("port", "PORT"), ("timeout", "TIMEOUT"), ("sender_name", "FROM_NAME")):
            if get(name) is not None:
                values[key] = get(name)
        try:
            return cls.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            # The password is never echoed: pydantic's message would quote the input.
            first = exc.errors()[0]
            name = {"host": "HOST", "sender": "FROM", "sender_name": "FROM_NAME"}.get(
                str(first["loc"][0]), str(first["loc"][0]).upper()
            )
            raise SettingsError(
                f"GAIMON_SMTP_{name}: {first['msg'].removeprefix('Value error, ')}"
            ) from None

    def __str__(self) -> str:
        login = f"{self.user}@" if self.user else ""
        return f"smtp://{login}{self.host}:{self.port} ({'STARTTLS' if self.starttls else 'plain'})"


def message_id(week: str, address: str, sender: str) -> str:
    """The same for the same week and reader: mail logs and receiving servers can tell a
    repeat from a new message."""
    token = hashlib.sha256(f"{week}\0{address.lower()}".encode()).hexdigest()[:24]
    return f"<digest.{week}.{token}@{sender.rsplit('@', 1)[1]}>"


def unsubscribe_link(template: str, subscriber: Subscriber, settings: SmtpSettings) -> str:
    from urllib.parse import quote

    return template.format(address=quote(subscriber.address, safe="@"), sender=settings.sender)


def compose(
    data: DigestData,
    subscriber: Subscriber,
    settings: SmtpSettings,
    unsubscribe: str,
    pdf: bytes | None = None,
    archive_url: str | None = None,
) -> EmailMessage:
    """multipart/mixed: [multipart/alternative: text, multipart/related: HTML + PNG charts], PDF."""
    from gaimon.digest.state import now

    words = render.strings(data.lang)
    links = {"unsubscribe": unsubscribe, "archive": archive_url}
    rendered = render.render_email(data, links)
    names = [s.name for s in data.sections]
    message = EmailMessage()
    message["Subject"] = words["subject"].format(week=data.week) + (
        f" ({', '.join(names)})" if 0 < len(names) <= 3 else ""
    )
    message["From"] = formataddr((settings.sender_name, settings.sender))
    message["To"] = formataddr((subscriber.name or "", subscriber.address))
    message["Date"] = format_datetime(now().replace(tzinfo=UTC))
    message["Message-ID"] = message_id(data.week, subscriber.address, settings.sender)
    message["Content-Language"] = data.lang
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    if unsubscribe.startswith("https://"):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    html_part = message.get_payload()[1]
    for cid, image in rendered.images.items():
        html_part.add_related(
            image,
            maintype="image",
            subtype="png",
            cid=f"<{cid}>",
            filename=f"{cid.split('@')[0]}.png",
            disposition="inline",
        )
    if pdf is not None:
        message.add_attachment(
            pdf,
            maintype="application",
            subtype="pdf",
            filename=f"gaimon-{data.week}{'' if data.lang == 'nl' else '.' + data.lang}.pdf",
        )
    return message
