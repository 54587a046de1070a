"""Sharing API fixtures: a learner with credentials in their dossier, a share of them, and
an employer's browser (a client with no cookies)."""
import json
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from eigendossier.core.extensions import db
from tests.api.dossier.conftest import (  # noqa: F401  (fixtures)
    EMAIL,
    OPEN_OUTBOUND,
    _badge_server,
    badge_host,
    upload,
)
from tests.credentials_support import baked_png, signed_jwt

SHARES = "/api/v1/shares"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}
TABLES = ("share", "share_credential", "share_experience", "share_view", "holder_key")


@pytest.fixture
def app_settings(request):
    return getattr(request, "param", OPEN_OUTBOUND)


@dataclass
class Dossier:
    png: int  # a baked PNG, Data Integrity (Open Badges 3.0)
    jwt: int  # a VC-JWT
    item: int  # a self-declared experience item


@pytest.fixture
def dossier(client, learner) -> Dossier:
    """Sanne's dossier: two verified microcredentials and one experience item."""
    png = upload(client, baked_png(EMAIL), "elektra.png").get_json()
    jwt = upload(client, signed_jwt(EMAIL, name="Werken op hoogte",
                                    achievement_id="https://roc.example/a/hoogte",
                                    valid_until="2031-09-01T00:00:00Z").encode(),
                 "hoogte.jwt").get_json()
    item = client.post("/api/v1/dossier/experience", json={
        "role": "Monteur", "employer": "Installatiebedrijf Jansen",
        "start_date": "2019-03-01", "end_date": "2022-06-30"}).get_json()
    assert png["verification"]["status"] == jwt["verification"]["status"] == "verified"
    return Dossier(png["id"], jwt["id"], item["id"])


def make_share(client, credential_ids, **fields):
    body = {"credential_ids": credential_ids, "label": "Sollicitatie Bouwbedrijf De Vries",
            **fields}
    response = client.post(SHARES, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def share(client, dossier):
    """A share of both credentials and the experience item (the 201 body, with its url)."""
    return make_share(client, [dossier.png, dossier.jwt], experience_item_ids=[dossier.item])


def path_of(share_body) -> str:
    return "/s/" + share_body["url"].rsplit("/s/", 1)[1]


@pytest.fixture
def employer(app):
    """A browser with no account and no cookies."""
    return app.test_client()


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608 - table names of our own
                  for table in TABLES}
        counts["audit"] = db.session.execute(text(
            "SELECT count(*) FROM audit_event WHERE action LIKE 'share.%'")).scalar()
        return counts


def dump_database(app) -> str:
    """Every row of every table as text, to search for what must never be stored."""
    with app.app_context():
        out = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()).all():
                out.append(json.dumps([str(value) for value in row]))
        return "\n".join(out)
