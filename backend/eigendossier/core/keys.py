"""The keys every machine serving one database must share, the check that refuses to start
without them, and `flask keys init`, which prints them.

The embedded setup (SQLite in instance/) generates its keys into the instance folder on first
start: fine, only one machine ever opens that file. A shared database (PostgreSQL) is served
by several machines, each with its own instance folder. Keys generated there differ per
machine under the same key id: what one machine sealed does not open on another, sessions
and voucher codes hash differently, push subscriptions were made for another VAPID key. So
with a shared database the app refuses to start until the keys are configured, unless
SINGLE_NODE says this machine alone serves it. Rate limits in memory count per process:
more than one process (a shared database, or gunicorn workers) needs REDIS_URL.

`flask keys init` is a Flask plugin command (pyproject's flask.commands entry point), so it
runs while the app itself still refuses to start."""
import json
import secrets
import shlex
from pathlib import Path

import click
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from eigendossier.core.config import default_instance_path, load_settings
from eigendossier.core.encryption import (
    KEY_FILE,
    EncryptionConfigError,
    keyring_from_config,
    new_key,
)
from eigendossier.credentials.keys import b64url_encode

# Setting → (the instance file it is otherwise generated into, what differs between machines).
SHARED_KEYS = {
    "SECRET_KEY": ("secret_key", "signed cookies and tokens"),
    "VOUCHER_PEPPER": ("voucher_pepper", "voucher codes"),
    "ENCRYPTION_KEYS": (KEY_FILE, "encrypted credentials, evidence and share pages"),
    "VAPID_PRIVATE_KEY": ("vapid_private_key.pem", "push subscriptions"),
}
INIT_COMMAND = "flask --app eigendossier keys init"
PLACEHOLDER = "change-me"  # as in config/production.example.toml


class StartRefused(RuntimeError):
    """This setup would lose data or limits; the message says exactly what to set."""


def shared_database(settings: dict) -> bool:
    """Anything but the embedded SQLite file may be served by more than one machine."""
    url = str(settings.get("DATABASE_URL") or "")
    return bool(url) and not url.startswith("sqlite")


def missing_keys(settings: dict) -> list[str]:
    """The shared keys a shared database needs that are not configured."""
    if not shared_database(settings) or settings.get("SINGLE_NODE"):
        return []
    return [name for name in SHARED_KEYS if not _configured(settings.get(name))]


def _configured(value) -> bool:
    """Set, and not the example file's placeholder."""
    values = value.values() if isinstance(value, dict) else [value]
    return bool(value) and not any(PLACEHOLDER in str(item) for item in values)


def check_start(settings: dict, workers: int = 1) -> None:
    """Refuse a setup whose machines or processes would not share keys or rate limits."""
    problems = []
    missing = missing_keys(settings)
    if missing:
        problems.append(_missing_keys_message(missing))
    elif _configured(settings.get("ENCRYPTION_KEYS")):
        try:  # at start, not at the first learner's request
            keyring_from_config(settings, instance_path="")
        except EncryptionConfigError as error:
            problems.append(f"The configured encryption keys do not work: {error}.")
    if not settings.get("REDIS_URL"):
        if workers > 1:
            problems.append(
                f"{workers} worker processes without REDIS_URL: rate limits (sign-in, "
                "sign-up, vouchers) would be counted per process, so each worker lets through "
                "its own share of attempts. Set EIGENDOSSIER_REDIS_URL=redis://… (limits are "
                "then counted once for all), or run one worker (--workers 1, with --threads "
                "for concurrency), as `make run` does.")
        elif shared_database(settings) and not settings.get("SINGLE_NODE"):
            problems.append(
                "A shared database without REDIS_URL: every machine would count rate limits "
                "(sign-in, sign-up, vouchers) on its own. Set EIGENDOSSIER_REDIS_URL=redis://… "
                "on every machine, the same on each.")
    if problems:
        raise StartRefused("Eigen Dossier will not start.\n\n" + "\n\n".join(problems))


def _missing_keys_message(missing: list[str]) -> str:
    names = ", ".join(f"EIGENDOSSIER_{name}" for name in missing)
    why = "; ".join(f"{name} for {SHARED_KEYS[name][1]}" for name in missing)
    verb = "is" if len(missing) == 1 else "are"
    return (
        f"DATABASE_URL is a shared database, but {names} {verb} not set (or still say "
        f"{PLACEHOLDER}). Each machine would generate its own in its instance folder, and what "
        f"one machine stored would not open on another ({why}).\n"
        f"Run `{INIT_COMMAND}` on the machine that has served so far (it keeps that "
        "machine's keys, so what is stored stays readable) and set the lines it prints on "
        "every machine, the same on each. Only one machine will ever serve this database? "
        "Set EIGENDOSSIER_SINGLE_NODE=true instead.")


# -- flask keys init ---------------------------------------------------------------------------


def init_lines(settings: dict, instance_path: Path) -> list[str]:
    """Shell lines setting every shared key that is not configured yet: this instance
    folder's key where it has one (so stored data stays readable), else a new one."""
    lines = []
    for name, (filename, _) in SHARED_KEYS.items():
        if settings.get(name):
            lines.append(f"# EIGENDOSSIER_{name} is already set: keep it.")
            continue
        found = instance_path / filename
        values = _KEY_READERS[name](found) if found.exists() else _KEY_MAKERS[name]()
        origin = f"from {found}" if found.exists() else "new"
        lines.append(f"# {name}: {origin}")
        lines += [f"export EIGENDOSSIER_{key}={shlex.quote(value)}"
                  for key, value in values.items()]
    return lines


def _secret_from(path: Path) -> dict:
    return {"SECRET_KEY": path.read_text().strip()}


def _pepper_from(path: Path) -> dict:
    return {"VOUCHER_PEPPER": path.read_text().strip()}


def _keyring_from(path: Path) -> dict:
    """Every key of the instance key file (old ones too: rows may still use them)."""
    stored = json.loads(path.read_text())
    return _keyring_setting(stored["keys"], stored["current"])


def _keyring_setting(keys: dict[str, str], current: str) -> dict:
    table = ", ".join(f"{json.dumps(key_id)} = {json.dumps(value)}"
                      for key_id, value in keys.items())
    return {"ENCRYPTION_KEYS": "{" + table + "}", "ENCRYPTION_KEY_ID": current}


def _vapid_from(path: Path) -> dict:
    """The private number of the PEM key, base64url: the form VAPID_PRIVATE_KEY takes."""
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    return {"VAPID_PRIVATE_KEY": b64url_encode(raw)}


def _new_vapid() -> dict:
    raw = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return {"VAPID_PRIVATE_KEY": b64url_encode(raw.to_bytes(32, "big"))}


_KEY_READERS = {"SECRET_KEY": _secret_from, "VOUCHER_PEPPER": _pepper_from,
                "ENCRYPTION_KEYS": _keyring_from, "VAPID_PRIVATE_KEY": _vapid_from}
_KEY_MAKERS = {
    "SECRET_KEY": lambda: {"SECRET_KEY": secrets.token_urlsafe(64)},
    "VOUCHER_PEPPER": lambda: {"VOUCHER_PEPPER": secrets.token_urlsafe(64)},
    "ENCRYPTION_KEYS": lambda: _keyring_setting({"k1": new_key()}, "k1"),
    "VAPID_PRIVATE_KEY": _new_vapid,
}


@click.group("keys", help="The keys every machine serving one database must share.")
def group():
    pass


@group.command("init")
def init_command():
    """Print the keys to set on every machine (reusing this machine's instance keys).

    Works while the app refuses to start for want of them. Keep the output secret."""
    settings = load_settings()
    instance_path = Path(settings.get("INSTANCE_PATH") or default_instance_path())
    click.echo("# Eigen Dossier: set these on every machine that serves this database, the "
               "same on each,\n# e.g. in the service's environment file. Keep them secret: "
               "they open the stored data.")
    for line in init_lines(settings, instance_path):
        click.echo(line)
