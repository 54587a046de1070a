"""Institution set-up by its admins: issuer profile, signing keys and their public address,
VC-API clients, staff members. Plain staff see profile and keys; other schools nothing."""
import json

import pytest

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Institution
from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.credentials import FetchError
from eigendossier.vcapi.models import OAuthClient
from tests.api.staff.conftest import TCR, ZAO
from tests.support import PASSWORD, assert_problem
from tests.support_mail import drain, token_in


@pytest.fixture
def app_settings(smtp_settings):
    return {"ISSUING_BASE_URL": "https://school.example", **smtp_settings}


def count(app, model, **where):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**where))


def test_the_first_key_makes_the_issuer_and_a_rotation_keeps_the_old_key_published(tcr_admin):
    empty = tcr_admin.get(f"{TCR}/keys").get_json()
    assert empty == {"did": None, "did_url": None, "keys": [], "did_document": None}
    first = tcr_admin.post(f"{TCR}/keys")
    assert first.status_code == 201
    assert first.get_json()["did"] == "did:web:school.example:issuers:tcr"
    assert first.get_json()["did_url"] == "https://school.example/issuers/tcr/did.json"
    rotated = tcr_admin.post(f"{TCR}/keys").get_json()
    assert [(key["number"], key["signs"]) for key in rotated["keys"]] == [(1, False), (2, True)]
    methods = [m["id"] for m in rotated["did_document"]["verificationMethod"]]
    assert methods == [f"{rotated['did']}#key-1", f"{rotated['did']}#key-2"]


class FakeFetcher:
    def __init__(self, answer):
        self.answer, self.urls = answer, []

    def fetch(self, url, **options):
        self.urls.append(url)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer, "application/did+json"


def test_the_public_address_is_checked_through_the_guarded_client(app, tcr_admin):
    keys = tcr_admin.post(f"{TCR}/keys").get_json()
    url = keys["did_url"]
    fetcher = app.extensions["eigendossier.core.outbound"] = FakeFetcher(
        json.dumps(keys["did_document"]).encode())
    assert tcr_admin.post(f"{TCR}/keys/reachability").get_json() == {
        "url": url, "reachable": True, "matches": True, "reason": ""}
    assert fetcher.urls == [url]
    app.extensions["eigendossier.core.outbound"] = FakeFetcher(b'{"id": "did:web:other"}')
    other = tcr_admin.post(f"{TCR}/keys/reachability").get_json()
    assert other["reachable"]
    assert not other["matches"]
    assert "another DID document" in other["reason"]
    app.extensions["eigendossier.core.outbound"] = FakeFetcher(FetchError(url, "timed out"))
    down = tcr_admin.post(f"{TCR}/keys/reachability").get_json()
    assert not down["reachable"]
    assert "timed out" in down["reason"]


def test_a_private_address_is_reported_unreachable_by_the_real_guard(app, runner, tcr_admin):
    with app.app_context():  # an installation that calls itself localhost
        app.config["ISSUING_BASE_URL"] = "https://localhost"
    tcr_admin.post(f"{TCR}/keys")
    result = tcr_admin.post(f"{TCR}/keys/reachability").get_json()
    assert result["url"] == "https://localhost/issuers/tcr/did.json"
    assert not result["reachable"]
    assert "not allowed" in result["reason"]


def test_the_profile_shows_and_changes_name_url_contact_and_logo(app, tcr_admin, staff):
    tcr_admin.post(f"{TCR}/keys")
    response = tcr_admin.patch(f"{TCR}/profile", json={
        "name": "Techniek College", "url": "https://tcr.example", "email": "info@tcr.example",
        "image_url": "https://tcr.example/logo.png"})
    assert response.status_code == 200, response.get_json()
    assert staff.get(f"{TCR}/profile").get_json() == {
        "name": "Techniek College", "url": "https://tcr.example", "email": "info@tcr.example",
        "image_url": "https://tcr.example/logo.png", "did": "did:web:school.example:issuers:tcr"}
    issuer = json.loads(app.test_client().get("/issuers/tcr").get_data())
    assert issuer["name"] == "Techniek College"
    assert issuer["email"] == "info@tcr.example"


def test_bad_profile_input_is_refused_and_nothing_is_written(app, tcr_admin):
    for changes, field in (({"image_url": "http://tcr.example/logo.png"}, "image_url"),
                           ({"email": "not an address"}, "email"), ({"name": "x"}, "name"),
                           ({"email": "info@tcr.example"}, "email")):  # no key yet: no profile
        problem = assert_problem(tcr_admin.patch(f"{TCR}/profile", json=changes), 422)
        assert field in problem["errors"]
    with app.app_context():
        assert db.session.scalar(db.select(Institution.name).filter_by(slug="tcr")) == \
            "Techniek College Rijnmond"


def test_a_client_secret_is_shown_once_and_a_revoked_client_stops(app, tcr_admin):
    made = tcr_admin.post(f"{TCR}/clients")
    assert made.status_code == 201
    client_id, secret = made.get_json()["client_id"], made.get_json()["client_secret"]
    listed = tcr_admin.get(f"{TCR}/clients").get_json()
    assert [c["client_id"] for c in listed] == [client_id]
    assert "client_secret" not in listed[0]
    token = app.test_client().post("/vc-api/oauth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert token.status_code == 200, token.get_data(as_text=True)
    revoked = tcr_admin.post(f"{TCR}/clients/{client_id}/revoke").get_json()
    assert revoked["revoked_at"]
    again = app.test_client().post("/vc-api/oauth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert again.status_code == 401


def test_set_up_is_for_institution_admins_of_that_school(app, staff, tcr_admin, zao_admin, client):
    made = tcr_admin.post(f"{TCR}/clients").get_json()
    for method, path in (("POST", "/keys"), ("GET", "/clients"), ("POST", "/clients"),
                         ("POST", f"/clients/{made['client_id']}/revoke"), ("GET", "/members"),
                         ("PATCH", "/profile")):
        body = {"name": "Overgenomen"} if method == "PATCH" else None
        assert_problem(staff.open(f"{TCR}{path}", method=method, json=body), 403,
                       "institution-admin-only")
        assert_problem(zao_admin.open(f"{TCR}{path}", method=method, json=body), 404)
    # In the staff member's language (Dutch, the default).
    refusal = staff.post(f"{TCR}/keys").get_json()
    assert refusal["title"] == "Alleen een instellingsbeheerder mag dit doen"
    # A client id of another school is not found under one's own school either.
    assert_problem(zao_admin.post(f"{ZAO}/clients/{made['client_id']}/revoke"), 404)
    assert count(app, OAuthClient, revoked_at=None) == 1
    assert count(app, Institution, name="Overgenomen") == 0
    assert_problem(client.get(f"{TCR}/keys"), 401)


def test_an_admin_adds_staff_who_choose_a_password_by_mail(app, tcr_admin, mailbox):
    response = tcr_admin.post(f"{TCR}/members", json={
        "email": "Nieuw@TCR.nl", "display_name": "Noor", "role": "staff"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["role"] == "staff"
    with app.app_context():
        added = db.session.scalar(db.select(Account).filter_by(email="nieuw@tcr.nl"))
        assert (added.role, added.institution.slug, added.password_hash) == ("issuer", "tcr", None)
    drain(app)
    token = token_in(mailbox.last_to("nieuw@tcr.nl"), "/reset-password")
    newcomer = app.test_client()
    assert newcomer.post("/api/v1/password-reset/confirm", json={
        "token": token, "password": "a brand new passphrase"}).status_code == 200
    assert newcomer.post("/api/v1/session", json={
        "email": "nieuw@tcr.nl", "password": "a brand new passphrase"}).status_code == 200
    assert newcomer.get(f"{TCR}/runs").status_code == 200
    names = [m["display_name"] for m in tcr_admin.get(f"{TCR}/members").get_json()]
    assert names == ["Beheer", "Noor"]


def test_adding_refuses_a_taken_address_or_bad_input_and_writes_nothing(app, tcr_admin, staff):
    before = count(app, Account)
    assert_problem(tcr_admin.post(f"{TCR}/members", json={
        "email": "docent@tcr.nl", "display_name": "Dubbel"}), 409, "email-taken")
    problem = assert_problem(tcr_admin.post(f"{TCR}/members", json={
        "email": "geen adres", "display_name": "", "role": "boss"}), 422, "validation")
    assert set(problem["errors"]) == {"email", "display_name", "role"}
    assert count(app, Account) == before


def test_roles_change_and_removed_staff_lose_access_but_one_admin_stays(app, tcr_admin, staff):
    members = {m["display_name"]: m["id"] for m in tcr_admin.get(f"{TCR}/members").get_json()}
    assert_problem(tcr_admin.patch(f"{TCR}/members/{members['Beheer']}",
                                   json={"role": "staff"}), 409, "last-institution-admin")
    assert_problem(tcr_admin.delete(f"{TCR}/members/{members['Beheer']}"), 409)
    promoted = tcr_admin.patch(f"{TCR}/members/{members['Pieter']}",
                               json={"role": "institution_admin"})
    assert promoted.get_json()["role"] == "institution_admin"
    assert staff.get(f"{TCR}/clients").status_code == 200
    assert tcr_admin.delete(f"{TCR}/members/{members['Pieter']}").status_code == 204
    assert staff.get(f"{TCR}/runs").status_code == 401  # their sessions ended
    signed_in = app.test_client()
    signed_in.post("/api/v1/session", json={"email": "docent@tcr.nl", "password": PASSWORD})
    assert_problem(signed_in.get(f"{TCR}/runs"), 403, "staff-only")
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action)
                                     .where(AuditEvent.action.startswith("member."))).all()
    assert actions == ["member.role_changed", "member.removed"]


def test_another_schools_staff_cannot_touch_ours(app, tcr_admin, zao_admin, staff):
    docent = next(m["id"] for m in tcr_admin.get(f"{TCR}/members").get_json()
                  if m["display_name"] == "Pieter")
    assert_problem(zao_admin.patch(f"{ZAO}/members/{docent}", json={"role": "staff"}), 404)
    assert_problem(zao_admin.delete(f"{ZAO}/members/{docent}"), 404)
    assert_problem(zao_admin.delete(f"{TCR}/members/{docent}"), 404)
    assert staff.get(f"{TCR}/runs").status_code == 200


def test_the_console_says_who_acts_for_which_school(app, runner, staff, tcr_admin):
    assert staff.get("/api/v1/staff").get_json() == {"role": "staff", "institutions": [
        {"id": 1, "slug": "tcr", "name": "Techniek College Rijnmond", "url": ""}]}
    assert tcr_admin.get("/api/v1/staff").get_json()["role"] == "institution_admin"
    result = runner.invoke(args=["accounts", "create-staff", "--email", "admin@example.nl",
                                 "--name", "Operator", "--role", "admin",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    operator = app.test_client()
    operator.post("/api/v1/session", json={"email": "admin@example.nl", "password": PASSWORD})
    home = operator.get("/api/v1/staff").get_json()
    assert home["role"] == "admin"
    assert [i["slug"] for i in home["institutions"]] == ["tcr", "zao"]
    assert operator.get(f"{ZAO}/runs").status_code == 200
