"""Email, written from Jinja templates in the recipient's language and sent only once the
transaction that asked for it has committed.

- `send(template, to, locale, **context)` renders the mail at once (plain text from
  ``templates/mail/<template>.txt``, whose ``subject`` it sets, and HTML from ``….html``) and
  holds it on the database session. It leaves when the session commits and is dropped when
  the session rolls back: a failed send never loses the write, a rolled-back write never
  sends. (Mails held inside a savepoint that is rolled back are not dropped: we use none.)
- Transport: ``SMTP_URL`` (``smtp://`` plain, for a relay on the same network,
  ``smtp+starttls://`` or ``smtps://``; user and password percent-encoded in the URL), or,
  when it is empty, one ``.eml`` file per mail in ``instance/outbox/`` (the embedded default).
- Sending is a job (core/jobs.py) with MAIL_MAX_ATTEMPTS tries: on the RQ workers when
  ``REDIS_URL`` is set, else in a thread of this process. No request waits for the mail
  server, so a request that sends a mail answers as fast as one that does not.
- Logs name the kind of mail, never an address, a name or a link.
"""
import logging
import secrets
import smtplib
import ssl
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, has_request_context, render_template, request
from flask_babel import force_locale

from eigendossier.core import jobs
from eigendossier.core.config import public_base_url
from eigendossier.core.timeutil import utcnow

log = logging.getLogger(__name__)

# -- composing --------------------------------------------------------------------------------


def send(template: str, to: str, locale: str, **context) -> None:
    """Render `template` for `to` in `locale` and send it when the session commits."""
    message = compose(template, to, locale, **context)
    attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS") or 3)
    jobs.after_commit(deliver, template, message.as_bytes(), retries=attempts - 1)


def compose(template: str, to: str, locale: str, **context) -> EmailMessage:
    """The mail as a multipart/alternative message: plain text first, then HTML."""
    config = current_app.config
    context = {"base_url": context.pop("base_url", None) or base_url(), "locale": locale,
               **context}
    with force_locale(locale):
        text_template = current_app.jinja_env.get_template(f"mail/{template}.txt")
        module = text_template.make_module(context)
        text = str(module)
        html = render_template(f"mail/{template}.html", subject=module.subject, **context)
    sender = config["MAIL_FROM"]
    message = EmailMessage()
    message["Subject"] = str(module.subject).strip()
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    # Not email.utils.make_msgid, nor the generator's own MIME boundary: both draw from the
    # process-wide `random`, which other threads (and hypothesis in the tests) also use.
    message["Message-ID"] = f"<{secrets.token_hex(16)}@{_domain_of(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text.strip() + "\n")
    message.add_alternative(html, subtype="html")
    message.set_boundary(f"=={secrets.token_hex(16)}==")
    message["Content-Language"] = locale  # after the content: set_content drops Content-*
    return message


def base_url() -> str:
    """The public address links in mails start with. Never the request's Host header when
    mail leaves this machine: a forged Host would put an attacker's address in a reset link.
    Only the local outbox (no SMTP_URL) falls back to the request's address."""
    config = current_app.config
    configured = config.get("PUBLIC_BASE_URL") or config.get("ISSUING_BASE_URL")
    if not configured and not config.get("SMTP_URL") and has_request_context():
        return request.host_url.rstrip("/")
    return public_base_url(config)


def link(path: str, token: str, base: str | None = None) -> str:
    """A link into the PWA carrying a token in the fragment: browsers send neither the
    fragment to the server nor in a Referer, so the token stays out of every log."""
    return f"{base or base_url()}{path}#token={token}"


def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "eigendossier.nl"


# -- transports -------------------------------------------------------------------------------


def transport_for(app: Flask) -> "SmtpTransport | OutboxTransport":
    url = app.config.get("SMTP_URL") or ""
    if url:
        return SmtpTransport(url, float(app.config.get("MAIL_TIMEOUT") or 10))
    return OutboxTransport(outbox_dir(app))


def outbox_dir(app: Flask) -> Path:
    return Path(app.instance_path) / "outbox"


class SmtpTransport:
    SCHEMES: ClassVar[dict[str, tuple[int, str | None]]] = {
        "smtp": (25, None), "smtp+starttls": (587, "starttls"), "smtps": (465, "tls")
    }

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        if parts.scheme not in self.SCHEMES or not parts.hostname:
            raise ValueError("SMTP_URL must be smtp://, smtp+starttls:// or smtps://host[:port]")
        default_port, self.security = self.SCHEMES[parts.scheme]
        self.host, self.port = parts.hostname, parts.port or default_port
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def deliver(self, raw: bytes) -> None:
        message = message_from_bytes(raw, policy=policy.SMTP)
        context = ssl.create_default_context()
        if self.security == "tls":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                      context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(message)


class OutboxTransport:
    """Mails as files, readable by this machine's user only, for the embedded setup."""

    def __init__(self, directory: Path):
        self.directory = directory

    def deliver(self, raw: bytes) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
        path = self.directory / name
        path.touch(mode=0o600)
        path.write_bytes(raw)


# -- sending ----------------------------------------------------------------------------------


class MailNotSent(Exception):
    pass


def deliver(kind: str, raw: bytes) -> None:
    """The job: one attempt (the job runner retries); logs the kind, never the address."""
    try:
        transport_for(current_app._get_current_object()).deliver(raw)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(f"mail {kind} not sent ({type(error).__name__})") from None
    log.info("mail %s sent", kind)


def init_app(app: Flask) -> None:
    """Refuse to start sending real mail with links that would point at the wrong host."""
    if app.config.get("SMTP_URL"):
        transport_for(app)  # a malformed URL fails now, not at the first mail
        if not (app.config.get("PUBLIC_BASE_URL") or app.config.get("ISSUING_BASE_URL")):
            raise RuntimeError("SMTP_URL is set: set PUBLIC_BASE_URL too (e.g. "
                               "https://dossier.example.nl), the address links in mails use")
