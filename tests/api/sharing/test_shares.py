"""The learner's share links: make, list, read, change expiry, withdraw; the token is shown
once and stored only as its hash; refused input writes nothing."""
import hashlib
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.sharing.models import Share
from tests.api.sharing.conftest import SHARES, dump_database, make_share, path_of, row_counts
from tests.credentials_support import signed_di
from tests.support import assert_problem, sign_up

# On SQLite, and on PostgreSQL what depends on it: unique tokens, view counts by
# aggregate, expiry moments, what a refusal or a withdrawal leaves. Input checks are the
# same on either.


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.mark.both_databases
def test_create_a_share(client, dossier, share):
    assert share["label"] == "Sollicitatie Bouwbedrijf De Vries"
    assert share["state"] == "active"
    assert share["revoked_at"] is None
    assert share["view_count"] == 0
    assert share["last_viewed_at"] is None
    assert [c["id"] for c in share["credentials"]] == [dossier.png, dossier.jwt]
    titles = {c["title"]: c for c in share["credentials"]}
    assert titles["Veilig werken met elektriciteit"]["valid_until"] is None
    assert titles["Werken op hoogte"]["valid_until"].startswith("2031-09-01")
    assert {c["status"] for c in share["credentials"]} == {"verified"}
    assert share["experience_items"] == [
        {"id": dossier.item, "role": "Monteur", "employer": "Installatiebedrijf Jansen"}]
    # default expiry: 30 days, for the link
    lifetime = parse_time(share["expires_at"]) - parse_time(share["created_at"])
    assert lifetime == timedelta(days=30)
    assert share["url"].startswith("http://localhost/s/")
    token = share["url"].rsplit("/", 1)[1]
    assert len(token) == 22  # 128 bits, base64url
    assert share["qr_svg"].startswith("<svg")
    assert "</svg>" in share["qr_svg"]


@pytest.mark.both_databases
def test_the_token_is_stored_only_as_its_hash(app, client, share):
    token = share["url"].rsplit("/", 1)[1]
    with app.app_context():
        row = db.session.get(Share, share["id"])
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in dump_database(app)
    # and it is never shown again
    assert "url" not in client.get(f"{SHARES}/{share['id']}").get_json()
    assert all("url" not in s for s in client.get(SHARES).get_json())


@pytest.mark.both_databases
def test_two_shares_get_different_tokens(client, dossier):
    first = make_share(client, [dossier.png])
    second = make_share(client, [dossier.png])
    assert first["url"] != second["url"]


def test_linkedin_add_to_profile_addresses(client, dossier, share):
    by_credential = {entry["credential_id"]: entry["url"] for entry in share["linkedin"]}
    assert set(by_credential) == {dossier.png, dossier.jwt}
    url = urlsplit(by_credential[dossier.jwt])
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == "Werken op hoogte"
    assert query["organizationName"] == "ROC Voorbeeld"
    assert (query["issueYear"], query["issueMonth"]) == ("2024", "9")
    assert (query["expirationYear"], query["expirationMonth"]) == ("2031", "9")
    assert query["certUrl"] == f"{share['url']}#credential-{dossier.jwt}"
    assert query["certId"].startswith("urn:uuid:")
    png = {k: v[0] for k, v in parse_qs(urlsplit(by_credential[dossier.png]).query).items()}
    assert "expirationYear" not in png  # that credential does not expire


@pytest.mark.both_databases
def test_expiry_in_days_and_as_a_moment(client, dossier):
    body = make_share(client, [dossier.png], expires_in_days=365)
    lifetime = parse_time(body["expires_at"]) - parse_time(body["created_at"])
    assert lifetime == timedelta(days=365)
    moment = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
    body = make_share(client, [dossier.png], expires_at=moment.isoformat())
    assert parse_time(body["expires_at"]) == moment
    # a time without offset is UTC
    body = make_share(client, [dossier.png],
                      expires_at=moment.replace(tzinfo=None).isoformat())
    assert parse_time(body["expires_at"]) == moment


def later(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


BAD_INPUT = [
    ({}, "credential_ids"),
    ({"credential_ids": []}, "credential_ids"),
    ({"credential_ids": ["een"]}, "credential_ids.0"),
    ({"label": "   "}, "label"),
    ({"label": "x" * 121}, "label"),
    ({"expires_in_days": 0}, "expires_in_days"),
    ({"expires_in_days": 366}, "expires_in_days"),
    ({"expires_in_days": "30"}, "expires_in_days"),
    ({"expires_at": "gisteren"}, "expires_at"),
    ({"expires_at": later(hours=-1)}, "expires_at"),
    ({"expires_at": later(days=366)}, "expires_at"),
    ({"expires_at": later(days=3), "expires_in_days": 3}, "_schema"),
    ({"ip_address": "203.0.113.7"}, "ip_address"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUT)
def test_bad_input_is_422_and_writes_nothing(app, client, dossier, change, field):
    before = row_counts(app)
    body = {"credential_ids": [dossier.png], "label": "Sollicitatie", **change}
    if change == {}:
        body.pop("credential_ids")
    response = client.post(SHARES, json=body)
    problem = assert_problem(response, 422, "validation")
    assert field in problem["errors"], problem
    assert row_counts(app) == before


def test_field_errors_are_in_dutch(client, dossier):
    response = client.post(SHARES, json={"credential_ids": [dossier.png], "label": "x",
                                         "expires_in_days": 400})
    assert assert_problem(response, 422)["errors"]["expires_in_days"] == [
        "Tussen 1 en 365 dagen."]
    response = client.post(SHARES, json={"credential_ids": [dossier.png], "label": "x",
                                         "expires_at": later(days=400)})
    assert assert_problem(response, 422)["errors"]["expires_at"] == [
        "Een deellink werkt hooguit een jaar."]
    response = client.post(SHARES, json={"credential_ids": [dossier.png], "label": "   "})
    assert assert_problem(response, 422)["errors"]["label"] == ["Dit veld is verplicht."]


def test_not_json_is_refused(client, dossier):
    response = client.post(SHARES, data="credential_ids=1", content_type="text/plain")
    assert response.status_code in (415, 422)
    assert response.mimetype == "application/problem+json"


@pytest.mark.both_databases
def test_sharing_another_learners_credential_is_404_and_writes_nothing(app, client, dossier):
    client.delete("/api/v1/session")
    sign_up(client, email="indringer@example.nl", display_name="Indringer")
    before = row_counts(app)
    assert_problem(client.post(SHARES, json={"credential_ids": [dossier.png],
                                             "label": "Gestolen"}), 404, "not-found")
    assert row_counts(app) == before
    mine = client.post("/api/v1/dossier/experience",
                       json={"role": "Kok", "start_date": "2020-01-01"}).get_json()
    before = row_counts(app)
    assert_problem(client.post(SHARES, json={"credential_ids": [dossier.png],
                                             "experience_item_ids": [mine["id"]],
                                             "label": "Gestolen"}), 404, "not-found")
    assert row_counts(app) == before


def test_someone_elses_experience_item_is_404(app, client, dossier):
    client.delete("/api/v1/session")
    sign_up(client, email="indringer@example.nl", display_name="Indringer")
    response = client.post("/api/v1/dossier/credentials",
                           json={"text": json.dumps(signed_di("indringer@example.nl"))})
    assert response.status_code == 201
    before = row_counts(app)
    assert_problem(client.post(SHARES, json={"credential_ids": [response.get_json()["id"]],
                                             "experience_item_ids": [dossier.item],
                                             "label": "Gestolen"}), 404)
    assert row_counts(app) == before


@pytest.mark.both_databases
def test_duplicate_ids_are_shared_once(client, dossier):
    body = make_share(client, [dossier.jwt, dossier.png, dossier.jwt],
                      experience_item_ids=[dossier.item, dossier.item])
    assert [c["id"] for c in body["credentials"]] == [dossier.jwt, dossier.png]
    assert len(body["experience_items"]) == 1


@pytest.mark.both_databases
def test_list_newest_first_with_view_counts(client, employer, dossier):
    first = make_share(client, [dossier.png], label="Eerste")
    second = make_share(client, [dossier.jwt], label="Tweede")
    employer.get(path_of(first))
    employer.get(path_of(first))
    listed = client.get(SHARES).get_json()
    assert [s["label"] for s in listed] == ["Tweede", "Eerste"]
    assert [s["view_count"] for s in listed] == [0, 2]
    assert listed[1]["last_viewed_at"] is not None
    assert listed[0]["id"] == second["id"]


@pytest.mark.both_databases
def test_read_one_with_its_view_log(client, employer, share):
    for _ in range(3):
        assert employer.get(path_of(share)).status_code == 200
    body = client.get(f"{SHARES}/{share['id']}").get_json()
    assert body["view_count"] == 3
    assert len(body["views"]) == 3
    times = [parse_time(v["viewed_at"]) for v in body["views"]]
    assert times == sorted(times, reverse=True)
    assert set(body["views"][0]) == {"viewed_at"}  # the time, nothing about the viewer
    assert body["last_viewed_at"] == body["views"][0]["viewed_at"]


@pytest.mark.both_databases
def test_change_the_expiry(client, share):
    moment = (datetime.now(UTC) + timedelta(days=90)).replace(microsecond=0)
    response = client.patch(f"{SHARES}/{share['id']}", json={"expires_at": moment.isoformat()})
    assert response.status_code == 200
    assert parse_time(response.get_json()["expires_at"]) == moment
    response = client.patch(f"{SHARES}/{share['id']}", json={"expires_in_days": 1})
    assert response.get_json()["state"] == "active"


@pytest.mark.parametrize(("body", "field"), [
    ({}, "_schema"),
    ({"expires_in_days": 366}, "expires_in_days"),
    ({"expires_at": later(days=-1)}, "expires_at"),
    ({"expires_at": later(days=400)}, "expires_at"),
    ({"label": "Nieuw"}, "label"),
])
def test_bad_expiry_changes_are_422_and_change_nothing(client, share, body, field):
    response = client.patch(f"{SHARES}/{share['id']}", json=body)
    assert field in assert_problem(response, 422, "validation")["errors"]
    assert client.get(f"{SHARES}/{share['id']}").get_json()["expires_at"] == share["expires_at"]


@pytest.mark.both_databases
def test_revoke(app, client, employer, share):
    assert employer.get(path_of(share)).status_code == 200
    assert client.delete(f"{SHARES}/{share['id']}").status_code == 204
    body = client.get(f"{SHARES}/{share['id']}").get_json()
    assert body["state"] == "revoked"
    assert body["revoked_at"] is not None
    assert body["view_count"] == 1  # the log stays
    assert employer.get(path_of(share)).status_code == 410
    assert client.delete(f"{SHARES}/{share['id']}").status_code == 204  # again: fine
    assert client.get(f"{SHARES}/{share['id']}").get_json()["revoked_at"] == body["revoked_at"]
    # a withdrawn link cannot be brought back
    assert_problem(client.patch(f"{SHARES}/{share['id']}", json={"expires_in_days": 5}),
                   409, "share-revoked")


@pytest.mark.both_databases
def test_an_expired_link_can_be_extended(app, client, employer, share, monkeypatch):
    from eigendossier.sharing import service

    future = datetime.now(UTC) + timedelta(days=31)
    monkeypatch.setattr(service, "utcnow", lambda: future)
    assert employer.get(path_of(share)).status_code == 410
    assert client.get(f"{SHARES}/{share['id']}").get_json()["state"] == "expired"
    assert client.patch(f"{SHARES}/{share['id']}", json={"expires_in_days": 7}
                        ).get_json()["state"] == "active"
    assert employer.get(path_of(share)).status_code == 200


@pytest.mark.both_databases
def test_what_happens_is_in_the_audit_trail(app, client, employer, share):
    client.patch(f"{SHARES}/{share['id']}", json={"expires_in_days": 10})
    employer.get(path_of(share))
    client.delete(f"{SHARES}/{share['id']}")
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.action.like("share.%")).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["share.created", "share.expiry_changed",
                                              "share.viewed", "share.revoked"]
        assert {e.subject_id for e in events} == {share["id"]}
        viewed = events[2]
        assert viewed.actor_id is None
        assert viewed.account_id == events[0].account_id


@pytest.mark.both_databases
def test_removing_a_credential_from_the_dossier_removes_it_from_the_share(
        client, dossier, share):
    assert client.delete(f"/api/v1/dossier/credentials/{dossier.png}").status_code == 204
    body = client.get(f"{SHARES}/{share['id']}").get_json()
    assert [c["id"] for c in body["credentials"]] == [dossier.jwt]
