"""Demo data from config/demo/: loaded on first start of the embedded setup, idempotently.

Each domain contributes a loader; a loader reads its own file and creates or updates rows
by a natural key (slug, email), so loading twice changes nothing."""
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from eigendossier import demo_story
from eigendossier.accounts import service as accounts
from eigendossier.catalog import service as catalog
from eigendossier.core.config import CONFIG_DIR
from eigendossier.core.timeutil import utcnow

DEMO_DIR = CONFIG_DIR / "demo"

group = AppGroup("demo", help="Demo data.")


def _read(directory: Path, name: str):
    return json.loads((directory / name).read_text(encoding="utf-8"))


# The demo catalogue's runs are written from this Monday; loading moves them to the first
# Monday from today, so the demo always offers two years ahead.
DEMO_ANCHOR = date(2027, 1, 4)


def shifted_to(document: dict, today: date) -> dict:
    """The demo catalogue with every run moved so that DEMO_ANCHOR becomes the next Monday."""
    monday = today + timedelta(days=-today.weekday() % 7)
    shift = monday - DEMO_ANCHOR
    for qualification in document["qualifications"]:
        for block in qualification["blocks"]:
            for run in block.get("runs", []):
                for key in ("start", "end"):
                    run[key] = (date.fromisoformat(run[key]) + shift).isoformat()
    return document


def load_catalog(directory: Path) -> int:
    """The demo institutions, qualifications, blocks and runs, through the catalogue import.

    Loaded once: when the demo institutions exist, nothing is changed (a second import on a
    later day would add runs with other dates)."""
    raw = yaml.safe_load((directory / "catalog.yaml").read_text(encoding="utf-8"))
    document = shifted_to(raw, date.today())
    if catalog.institution_by_slug(document["institutions"][0]["slug"]):
        return 0
    report = catalog.import_catalog(json.dumps(document))
    return sum(report.created.values())


def load_accounts(directory: Path) -> int:
    """Demo learners and staff; an existing email is left as it is."""
    rows = _read(directory, "accounts.json")
    for row in rows:
        if accounts.account_by_email(row["email"]):
            continue
        if row.get("role", "learner") == "learner":
            # Demo addresses receive no mail: they count as confirmed.
            account = accounts.add_learner(row["email"], accounts.hash_password(row["password"]),
                                           row["display_name"], row.get("locale", "nl"),
                                           email_verified_at=utcnow())
            # Each demo learner is one of the personas: the route planner opens on it.
            account.persona = row.get("persona")
            accounts.update_profile(account, {"time_zone": row.get("time_zone",
                                                                   "Europe/Amsterdam")})
        else:
            accounts.create_staff(row["email"], row["password"], row["display_name"],
                                  row["role"], row.get("institution"),
                                  institution_admin=row.get("institution_admin", False))
    return len(rows)


# In order: later loaders may refer to what earlier ones made.
LOADERS: list[tuple[str, Callable[[Path], int]]] = [
    ("catalog", load_catalog),
    ("accounts", load_accounts),
    ("story", lambda directory: demo_story.load_story()),
]


def load_demo(directory: Path = DEMO_DIR) -> dict[str, int]:
    return {name: loader(directory) for name, loader in LOADERS}


@group.command("load")
@click.option("--force", is_flag=True, help="Load even when DEMO_DATA is off.")
def load_command(force):
    """Load the demo catalogue, learners and staff (safe to run again)."""
    if not (force or current_app.config["DEMO_DATA"]):
        click.echo("DEMO_DATA is off; nothing loaded")
        return
    for name, count in load_demo().items():
        click.echo(f"{name}: {count}")
