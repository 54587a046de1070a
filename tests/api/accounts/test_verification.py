from datetime import timedelta

import pytest

from eigendossier.accounts.models import Account, AccountToken
from eigendossier.core.audit import events_of
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from tests.support import assert_problem, sign_up
from tests.support_mail import drain, token_in

VERIFY = "https://dossier.example.test/verify-email"


@pytest.fixture
def app_settings(smtp_settings):
    return smtp_settings


def confirm(client, token):
    return client.post("/api/v1/email-verification/confirm", json={"token": token})


def verified_at(app, email="sanne@example.nl"):
    with app.app_context():
        return db.session.scalar(db.select(Account.email_verified_at).filter_by(email=email))


def test_the_mailed_link_confirms_the_address_once(app, client, mailbox):
    sign_up(client)
    token = token_in(mailbox.wait(1)[0], VERIFY)
    other_browser = app.test_client()

    response = confirm(other_browser, token)
    assert response.status_code == 200
    assert response.get_json()["email_verified"] is True
    assert "ed_session" not in response.headers.get("Set-Cookie", ""), "confirming signs no one in"
    assert client.get("/api/v1/me").get_json()["email_verified"] is True
    with app.app_context():
        account = db.session.scalar(db.select(Account))
        assert [e.details for e in events_of(account.id, "account.email_verified")] == [
            {"via": "link"}]

    again = assert_problem(confirm(other_browser, token), 400, "link-not-valid")
    assert again["title"] == "Deze link werkt niet (meer)"


def test_an_expired_link_does_not_confirm(app, client, mailbox):
    sign_up(client)
    token = token_in(mailbox.wait(1)[0], VERIFY)
    with app.app_context():
        db.session.execute(db.update(AccountToken).values(
            expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert_problem(confirm(client, token), 400, "link-not-valid")
    assert verified_at(app) is None


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": "x" * 129}, {"token": 5},
                                  {"token": "abc", "email": "x@example.nl"}])
def test_bad_input_is_refused_and_nothing_is_written(app, client, mailbox, body):
    sign_up(client)
    assert_problem(client.post("/api/v1/email-verification/confirm", json=body), 422)
    assert_problem(confirm(client, "not-a-token-we-sent"), 400, "link-not-valid")
    assert verified_at(app) is None
    with app.app_context():
        assert db.session.scalar(db.select(AccountToken.used_at)) is None


def test_a_link_for_an_address_the_account_no_longer_has_does_not_confirm(app, client, mailbox):
    sign_up(client)
    token = token_in(mailbox.wait(1)[0], VERIFY)
    with app.app_context():
        db.session.execute(db.update(Account).values(email="new@example.nl"))
        db.session.commit()
    assert_problem(confirm(client, token), 400, "link-not-valid")
    assert verified_at(app, "new@example.nl") is None


def test_resend_mails_a_new_link_and_is_limited(app, client, mailbox):
    app.config["RATELIMIT_VERIFY_RESEND"] = "2 per hour"
    sign_up(client, locale="en")
    mailbox.wait(1)
    first = client.post("/api/v1/email-verification", headers={"Accept-Language": "en"})
    assert first.status_code == 202
    assert first.get_json() == {"message": "Check your mail: we sent a new link."}
    messages = mailbox.wait(2)
    assert messages[1]["Subject"] == "Confirm your email address"
    assert client.post("/api/v1/email-verification").status_code == 202
    limited = client.post("/api/v1/email-verification")
    assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    newest = token_in(mailbox.wait(3)[2], VERIFY)
    assert confirm(client, newest).status_code == 200
    app.config["RATELIMIT_VERIFY_RESEND"] = "10 per hour"
    assert_problem(client.post("/api/v1/email-verification"), 409, "email-already-verified")


def test_resend_needs_a_signed_in_learner(client):
    assert_problem(client.post("/api/v1/email-verification"), 401)


def test_one_learners_link_cannot_confirm_another(app, mailbox):
    sanne, yusuf = app.test_client(), app.test_client()
    sign_up(sanne)
    sign_up(yusuf, email="yusuf@example.nl", display_name="Yusuf")
    mailbox.wait(2)
    token = token_in(mailbox.last_to("sanne@example.nl"), VERIFY)
    assert confirm(yusuf, token).status_code == 200
    assert yusuf.get("/api/v1/me").get_json()["email_verified"] is False
    assert sanne.get("/api/v1/me").get_json()["email_verified"] is True
    drain(app)
