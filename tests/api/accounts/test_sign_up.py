import statistics
import time

import pytest

from eigendossier.accounts.models import Account, AccountToken
from eigendossier.core.config import load_settings
from eigendossier.core.extensions import db
from tests.conftest import make_app
from tests.support import PASSWORD, assert_problem, sign_up
from tests.support_mail import drain, text_of, token_in

# Headers that differ between any two responses, whatever they answer.
MOVING_HEADERS = {"Date", "X-RateLimit-Reset", "Retry-After"}


@pytest.fixture
def app_settings(smtp_settings):
    return smtp_settings

# On SQLite, and on PostgreSQL what depends on it: one account per email by a unique
# constraint (a new address, an existing one, the timing of both) and a refusal that
# writes nothing. Hashing, languages and input checks are the same on either.


def count_accounts(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Account))


def post_sign_up(client, email="sanne@example.nl", address="192.0.2.1", **fields):
    body = {"email": email, "password": PASSWORD, "display_name": "Sanne", **fields}
    return client.post("/api/v1/accounts", json=body, environ_base={"REMOTE_ADDR": address})


@pytest.mark.both_databases
def test_sign_up_mails_a_link_to_confirm_the_address(app, client, mailbox):
    response = post_sign_up(client, email="Sanne@Example.NL")
    assert response.status_code == 202
    assert response.get_json() == {
        "message": "Controleer je mail: we hebben een bericht naar dit adres gestuurd."}
    assert "ed_session" not in response.headers.get("Set-Cookie", ""), "not signed in yet"
    [message] = mailbox.wait(1)
    assert message["To"] == "sanne@example.nl"
    assert message["Subject"] == "Bevestig je e-mailadres"
    token = token_in(message, "https://dossier.example.test/verify-email")
    with app.app_context():
        account = db.session.scalar(db.select(Account))
        assert account.email == "sanne@example.nl"
        assert account.email_verified_at is None
        stored = db.session.scalar(db.select(AccountToken.token_hash))
    assert token not in stored, "only the token's hash is stored"


def test_the_learner_then_signs_in_unconfirmed(client, mailbox):
    profile = sign_up(client, display_name="Sanne de Vries")
    assert profile["email"] == "sanne@example.nl"
    assert profile["display_name"] == "Sanne de Vries"
    assert profile["locale"] == "nl"
    assert profile["time_zone"] == "Europe/Amsterdam"
    assert profile["roles"] == ["learner"]
    assert profile["email_verified"] is False
    assert "password" not in profile
    assert client.get("/api/v1/me").get_json()["id"] == profile["id"]


def test_the_mail_is_in_the_language_chosen_at_sign_up(client, mailbox):
    post_sign_up(client, locale="en")
    [message] = mailbox.wait(1)
    assert message["Subject"] == "Confirm your email address"
    assert "Hello Sanne," in text_of(message)


def test_a_default_installation_hashes_at_rfc_9106_cost_and_upgrades_cheaper_hashes(
        app, client, database_url, tmp_path):
    """The tests hash at the lowest cost (tests/conftest.py); config/default.toml must not:
    argon2id with 64 MiB, 3 passes, 4 lanes. A hash made at another cost is upgraded when
    its owner next signs in."""
    defaults = load_settings(environ={})
    strong = {key: defaults[key] for key in
              ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_PARALLELISM")}
    assert strong == {"PASSWORD_HASH_TIME_COST": 3, "PASSWORD_HASH_MEMORY_KIB": 65536,
                      "PASSWORD_HASH_PARALLELISM": 4}
    sign_up(client)
    with app.app_context():
        cheap = db.session.scalar(db.select(Account.password_hash))
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")

    installed = make_app(database_url, tmp_path, **strong)
    response = installed.test_client().post("/api/v1/session", json={
        "email": "sanne@example.nl", "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    again = installed.test_client().post("/api/v1/session", json={
        "email": "sanne@example.nl", "password": PASSWORD})
    with installed.app_context():
        upgraded = db.session.scalar(db.select(Account.password_hash))
        db.session.remove()
        db.engine.dispose()
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert again.status_code == 200


@pytest.mark.both_databases
def test_an_existing_address_gets_the_same_answer_and_its_owner_a_mail(app, client, mailbox):
    first = post_sign_up(client, address="192.0.2.1")
    mailbox.wait(1)
    again = post_sign_up(client, email="SANNE@example.nl", address="192.0.2.2",
                         display_name="Someone Else")
    assert again.status_code == first.status_code == 202
    assert again.get_data() == first.get_data()
    assert count_accounts(app) == 1
    [_, notice] = mailbox.wait(2)
    assert notice["To"] == "sanne@example.nl"
    assert notice["Subject"] == "Iemand probeerde een account te maken met je adres"
    assert "https://dossier.example.test/forgot-password" in text_of(notice)
    with app.app_context():
        assert db.session.scalar(db.select(Account.display_name)) == "Sanne", "nothing changed"


def comparable(response) -> tuple:
    headers = sorted((k, v) for k, v in response.headers.items() if k not in MOVING_HEADERS)
    return response.status_code, response.get_data(), headers


@pytest.mark.both_databases
def test_no_account_enumeration_by_answer_or_timing(app, client, mailbox):
    """Sign-up for a taken and for a free address: status, body, headers alike, and the same
    work within noise (both hash a password, both send one mail after the commit). The work
    is the request thread's CPU time: wall time on a shared machine measures the neighbours."""
    post_sign_up(client, email="taken@example.nl", address="192.0.2.100")
    taken, free = [], []
    for n in range(8):
        # Each pair from two fresh client addresses, so their rate-limit headers match.
        a = post_sign_up(client, email="taken@example.nl", address=f"198.51.100.{n}")
        b = post_sign_up(client, email=f"free{n}@example.nl", address=f"203.0.113.{n}")
        assert comparable(a) == comparable(b)
    drain(app)
    for n in range(16):
        for email, times in (("taken@example.nl", taken), (f"new{n}@example.nl", free)):
            started = time.thread_time()
            response = post_sign_up(client, email=email, address=f"192.0.2.{150 + n}")
            times.append(time.thread_time() - started)
            assert response.status_code == 202
    drain(app)
    difference = abs(statistics.median(taken) - statistics.median(free))
    assert difference < max(0.25 * statistics.median(free), 0.02), (taken, free)


def test_mails_about_one_address_are_limited_without_a_word(app, client, mailbox):
    app.config["RATELIMIT_MAIL_PER_RECIPIENT"] = "2 per hour"
    post_sign_up(client)
    answers = {post_sign_up(client, address=f"198.51.100.{n}").status_code for n in range(4)}
    assert answers == {202}
    drain(app)
    assert len(mailbox.to("sanne@example.nl")) == 3, "the link, two notices, then silence"


@pytest.mark.both_databases
def test_bad_sign_up_is_refused_field_by_field_and_nothing_is_written(app, client, mailbox):
    response = client.post("/api/v1/accounts", json={
        "email": "not-an-email", "password": "short", "locale": "fr"})
    body = assert_problem(response, 422, "validation")
    assert set(body["errors"]) == {"email", "password", "display_name", "locale"}
    assert body["errors"]["display_name"] == ["Dit veld is verplicht."]
    assert body["errors"]["email"] == ["Geen geldig e-mailadres."]
    assert body["errors"]["password"] == ["Tussen 10 en 256 tekens."]
    assert count_accounts(app) == 0
    drain(app)
    assert mailbox.messages == []


def test_field_errors_in_english_when_asked(client):
    response = client.post("/api/v1/accounts", headers={"Accept-Language": "en-GB,en;q=0.9"},
                           json={"email": "x@example.nl", "password": "short", "display_name": "X"})
    body = assert_problem(response, 422)
    assert body["title"] == "The input is not valid"
    assert body["errors"]["password"] == ["Between 10 and 256 characters."]


def test_unknown_fields_are_refused(app, client):
    response = client.post("/api/v1/accounts", json={
        "email": "a@example.nl", "password": PASSWORD, "display_name": "A", "role": "admin"})
    body = assert_problem(response, 422)
    assert "role" in body["errors"]
    assert count_accounts(app) == 0


def test_a_body_that_is_not_json_is_refused(app, client):
    response = client.post("/api/v1/accounts", data="{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert count_accounts(app) == 0


def test_password_is_hashed_with_argon2id(app, client):
    sign_up(client)
    with app.app_context():
        stored = db.session.scalar(db.select(Account.password_hash))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
