"""Mail leaves only after its transaction commits, in the recipient's language, as plain text
and HTML, through a real SMTP server (aiosmtpd) or into the local outbox."""
import logging
import stat
import uuid

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from eigendossier import create_app
from eigendossier.accounts.models import Account
from eigendossier.core import mail
from eigendossier.core.extensions import db
from tests.conftest import make_app, service_url
from tests.support_mail import drain, html_of, text_of

CONTEXT = {"name": "Sanne", "link": "https://dossier.example.test/verify-email#token=abc",
           "hours": 48}


def add_account(email="sanne@example.nl") -> Account:
    account = Account(email=email, display_name="Sanne", password_hash=None)
    db.session.add(account)
    return account


def count_accounts() -> int:
    return db.session.scalar(db.select(db.func.count(Account.id)))


@pytest.fixture
def app_settings(smtp_settings):
    return smtp_settings


def test_a_mail_leaves_when_its_transaction_commits(app, mailbox):
    with app.test_request_context():
        add_account()
        mail.send("accounts/verify_email", "sanne@example.nl", "nl", **CONTEXT)
        drain(app)
        assert mailbox.messages == [], "nothing leaves before the commit"
        db.session.commit()
    [message] = mailbox.wait(1)
    assert message["To"] == "sanne@example.nl"
    assert message["From"] == "Eigen Dossier <noreply@eigendossier.nl>"
    assert message["Subject"] == "Bevestig je e-mailadres"
    assert message["Content-Language"] == "nl"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    assert "Hallo Sanne," in text_of(message)
    assert CONTEXT["link"] in text_of(message)
    html = html_of(message)
    assert '<html lang="nl">' in html
    assert f'href="{CONTEXT["link"]}"' in html


def test_the_recipients_language_not_the_requests(app, mailbox):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        add_account()
        mail.send("accounts/verify_email", "sanne@example.nl", "en", **CONTEXT)
        db.session.commit()
    [message] = mailbox.wait(1)
    assert message["Subject"] == "Confirm your email address"
    assert "Hello Sanne," in text_of(message)


def test_html_escapes_what_a_learner_typed(app, mailbox):
    with app.test_request_context():
        add_account()
        mail.send("accounts/verify_email", "sanne@example.nl", "nl",
                  **{**CONTEXT, "name": "<script>alert(1)</script>"})
        db.session.commit()
    [message] = mailbox.wait(1)
    assert "<script>" not in html_of(message)
    assert "&lt;script&gt;" in html_of(message)


def test_a_rolled_back_write_never_sends(app, mailbox):
    with app.test_request_context():
        add_account()
        mail.send("accounts/verify_email", "sanne@example.nl", "nl", **CONTEXT)
        db.session.rollback()
        add_account("other@example.nl")
        db.session.commit()  # a later, unrelated commit does not carry the dropped mail
        drain(app)
        assert count_accounts() == 1
    assert mailbox.messages == []


def test_a_failed_send_keeps_the_write_and_logs_no_address(app, mailbox, caplog):
    mailbox.refuse = True
    caplog.set_level(logging.INFO, logger="eigendossier.core")
    with app.test_request_context():
        add_account()
        mail.send("accounts/verify_email", "sanne@example.nl", "nl", **CONTEXT)
        db.session.commit()
        drain(app)
        assert count_accounts() == 1
    assert mailbox.messages == []
    assert "given up after 3 attempts" in caplog.text
    assert "sanne" not in caplog.text.lower()
    assert "token" not in caplog.text


def test_smtp_without_a_public_address_refuses_to_start(tmp_path, smtp_settings):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        make_app(f"sqlite:///{tmp_path}/x.db", tmp_path, SMTP_URL=smtp_settings["SMTP_URL"])
    with pytest.raises(ValueError, match="SMTP_URL"):
        make_app(f"sqlite:///{tmp_path}/x.db", tmp_path, SMTP_URL="http://mail.example.nl",
                 PUBLIC_BASE_URL="https://x.example")


def test_links_never_come_from_the_host_header_when_mail_leaves(app):
    with app.test_request_context(base_url="https://attacker.example"):
        assert mail.link("/reset-password", "t") == \
            "https://dossier.example.test/reset-password#token=t"


@pytest.mark.redis
def test_with_redis_a_worker_sends(database_url, tmp_path, smtp_settings, mailbox):
    redis_url = service_url("EIGENDOSSIER_TEST_REDIS_URL", "Redis")
    queue_name = f"mail-test-{uuid.uuid4().hex[:8]}"
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    app = make_app(database_url, tmp_path, **smtp_settings, REDIS_URL=redis_url,
                   JOBS_QUEUE=queue_name)
    try:
        with app.test_request_context():
            db.create_all()
            add_account()
            mail.send("accounts/verify_email", "sanne@example.nl", "en", **CONTEXT)
            db.session.commit()
            assert queue.count == 1
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        [message] = mailbox.wait(1)
        assert message["Subject"] == "Confirm your email address"
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


class TestOutbox:
    """The embedded default: no SMTP_URL, mails as files, a page for this machine only."""

    @pytest.fixture
    def app_settings(self):
        return {}

    def write_one(self, app):
        with app.test_request_context():
            add_account()
            mail.send("accounts/verify_email", "sanne@example.nl", "nl", **CONTEXT)
            db.session.commit()
        drain(app)

    def test_mails_are_files_only_this_user_reads(self, app):
        self.write_one(app)
        [path] = list(mail.outbox_dir(app).glob("*.eml"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert b"Bevestig je e-mailadres" in path.read_bytes()

    def test_the_page_shows_them_to_this_machine(self, app, client):
        self.write_one(app)
        response = client.get("/dev/outbox")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Bevestig je e-mailadres" in page
        assert f'href="{CONTEXT["link"]}"' in page
        assert response.headers["Cache-Control"] == "no-store"
        name = next(mail.outbox_dir(app).glob("*.eml")).stem
        html = client.get(f"/dev/outbox/{name}.html")
        assert html.status_code == 200
        assert html.headers["Content-Security-Policy"].startswith("sandbox")

    @pytest.mark.parametrize("environ", [
        {"REMOTE_ADDR": "192.0.2.10"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.10"},
        {"REMOTE_ADDR": "::1", "HTTP_FORWARDED": "for=192.0.2.10"},
    ])
    def test_nobody_else_sees_the_page(self, app, client, environ):
        self.write_one(app)
        response = client.get("/dev/outbox", environ_base=environ)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"

    def test_no_page_when_switched_off(self, database_url, tmp_path):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                          "DEMO_DATA": False, "INSTANCE_PATH": str(tmp_path / "i"),
                          "MAIL_OUTBOX_PAGE": False})
        assert app.test_client().get("/dev/outbox").status_code == 404
        with app.app_context():
            db.engine.dispose()

    def test_no_page_once_mail_really_leaves(self, database_url, tmp_path, smtp_settings):
        app = make_app(database_url, tmp_path, **smtp_settings)
        assert app.test_client().get("/dev/outbox").status_code == 404
        with app.app_context():
            db.engine.dispose()
