"""The local outbox, for development: mails the embedded setup wrote to instance/outbox/
instead of sending them (no SMTP_URL), listed newest first.

Shown only to a browser on this machine (a loopback address, not forwarded by a proxy), only
while the outbox is the transport and MAIL_OUTBOX_PAGE is on: the mails hold sign-in and reset
links, so anyone else gets a 404."""
import ipaddress
import re
from email import message_from_bytes, policy
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request

from eigendossier.core import mail

pages = Blueprint("outbox", __name__, url_prefix="/dev/outbox")

SHOWN = 50
_URL = re.compile(r"https?://[^\s<>\"]+")
_NAME = re.compile(r"^[0-9T]+-[0-9a-f]+\.eml$")
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


def _allowed() -> bool:
    config = current_app.config
    if config.get("SMTP_URL") or not config.get("MAIL_OUTBOX_PAGE"):
        return False
    if request.headers.get("Forwarded") or request.headers.get("X-Forwarded-For"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@pages.before_request
def _only_here():
    if not _allowed():
        abort(404)


def _read(path: Path) -> dict:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    body = text.get_content() if text else ""
    return {"name": path.name, "to": message["To"], "subject": message["Subject"],
            "date": message["Date"], "language": message["Content-Language"], "text": body,
            "links": list(dict.fromkeys(_URL.findall(body)))}


@pages.get("")
def outbox():
    """The newest mails, with their plain text and the links in them."""
    folder = mail.outbox_dir(current_app)
    files = sorted(folder.glob("*.eml"), reverse=True)[:SHOWN] if folder.is_dir() else []
    response = current_app.make_response(render_template(
        "web/outbox.html", mails=[_read(path) for path in files]))
    response.headers["Cache-Control"] = "no-store"
    return response


@pages.get("/<name>.html")
def html_part(name: str):
    """A mail's HTML part, in a sandbox: no script, no forms, its own origin."""
    path = mail.outbox_dir(current_app) / f"{name}.eml"
    if not _NAME.match(path.name) or not path.is_file():
        abort(404)
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    part = message.get_body(preferencelist=("html",))
    response = current_app.response_class(part.get_content() if part else "",
                                          mimetype="text/html")
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cache-Control"] = "no-store"
    return response
