"""The employer's page /s/<token>: server-rendered, Dutch or English, verified (again when
stale), noindex, 404 for unknown and 410 for expired or withdrawn links, with the same
work for both; views logged without anything about the viewer."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from eigendossier.core.extensions import db
from eigendossier.dossier.models import Credential, VerificationResult
from eigendossier.sharing.models import ShareView
from tests.api.sharing.conftest import (
    BROWSER,
    SHARES,
    dump_database,
    make_share,
    path_of,
)
from tests.support import assert_problem, sql_statements

EN = {**BROWSER, "Accept-Language": "en-GB,en;q=0.9"}


def html_of(response) -> str:
    assert response.mimetype == "text/html", response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_page_shows_each_credential_verified(employer, dossier, share):
    response = employer.get(path_of(share), headers=BROWSER)
    assert response.status_code == 200
    page = html_of(response)
    assert '<html lang="nl">' in page
    assert "<h1 id=\"learner\">Sanne</h1>" in page
    assert "Sollicitatie Bouwbedrijf De Vries" in page
    assert page.count("Geverifieerd</span>") == 2
    assert "Veilig werken met elektriciteit" in page
    assert "Werken op hoogte" in page
    assert "Uitgegeven door ROC Voorbeeld" in page
    assert "3 EC" in page
    assert "Niveau (NLQF)" in page
    assert "Hoe is dit gecontroleerd" in page
    assert "Handtekening</strong>: geslaagd" in page
    assert "Uitgegeven aan Sanne" in page  # the recipient check, for the employer
    assert "Uitgegeven aan jou" not in page  # not the learner's wording
    # the link's expiry and each credential's own validity are told apart
    assert "Deze link werkt tot" in page
    assert "Credential geldig tot" in page
    assert "1 september 2031" in page
    assert "Geen einddatum" in page
    # experience is labelled as self-declared
    assert "Monteur" in page
    assert "Zelf opgegeven door Sanne" in page
    # downloads
    assert f"/credentials/{dossier.png}/original" in page
    assert "/presentation.json" in page
    assert "/presentation.jwt" in page
    assert f'/credentials/{dossier.png}/image' in page


def test_the_page_is_safe_under_the_content_security_policy(employer, share):
    response = employer.get(path_of(share), headers=BROWSER)
    page = html_of(response)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "<script" not in page  # readable without JavaScript
    assert "style=" not in page
    assert "<style" not in page
    stylesheet = re.search(r'<link rel="stylesheet" href="(/styles/share\.[0-9a-f]{12}\.css)">',
                           page)
    assert stylesheet, "the share page's stylesheet, by its content-hashed URL"
    css = employer.get(stylesheet.group(1))
    assert css.status_code == 200
    assert "@media print" in css.get_data(as_text=True)
    css.close()
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_noindex_open_graph_and_no_caching(employer, share):
    response = employer.get(path_of(share), headers=BROWSER)
    page = html_of(response)
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "Accept-Language" in response.headers["Vary"]
    assert '<meta property="og:title" content="Credentials van Sanne">' in page
    assert f'<meta property="og:url" content="{share["url"]}">' in page
    assert re.search(r'<meta property="og:description" content="Sollicitatie Bouwbedrijf', page)
    assert '<meta property="og:image" content="http://localhost/icons/icon-512.png">' in page


def test_english_by_accept_language_and_by_the_switch(employer, share):
    page = html_of(employer.get(path_of(share), headers=EN))
    assert '<html lang="en">' in page
    assert "Verified</span>" in page
    assert "How this was verified" in page
    assert "This link works until" in page
    assert "Credential valid until" in page
    assert 'href="?lang=nl"' in page
    page = html_of(employer.get(path_of(share), headers=BROWSER))
    assert 'href="?lang=en"' in page
    assert ">English<" in page
    page = html_of(employer.get(path_of(share) + "?lang=en", headers=BROWSER))
    assert '<html lang="en">' in page
    assert "Issued by ROC Voorbeeld" in page


def test_a_signed_in_learners_profile_language_does_not_decide(client, employer, share):
    """The employer's own Accept-Language counts, not anyone's profile."""
    page = html_of(client.get(path_of(share), headers=EN))
    assert '<html lang="en">' in page


def test_an_unknown_link_is_404(employer, share):
    token = share["url"].rsplit("/", 1)[1]
    wrong = "/s/" + ("A" if token[0] != "A" else "B") + token[1:]
    page = html_of(employer.get(wrong, headers=BROWSER))
    assert employer.get(wrong, headers=BROWSER).status_code == 404
    assert "Deze link bestaat niet" in page
    assert '<meta name="robots" content="noindex">' in page
    problem = assert_problem(employer.get(wrong), 404, "share-unknown")
    assert problem["title"] == "Deze link bestaat niet"
    assert employer.get(wrong, headers={"Accept": "application/json"}
                        ).mimetype == "application/problem+json"
    assert employer.get("/s/").status_code == 404


def at(moment):
    return lambda: moment


def test_expiry_boundary(app, employer, share, monkeypatch):
    from eigendossier.sharing import service

    expires = datetime.fromisoformat(share["expires_at"]).astimezone(UTC)
    monkeypatch.setattr(service, "utcnow", at(expires - timedelta(microseconds=1)))
    assert employer.get(path_of(share)).status_code == 200
    monkeypatch.setattr(service, "utcnow", at(expires))
    response = employer.get(path_of(share), headers=BROWSER)
    assert response.status_code == 410
    page = html_of(response)
    assert "Deze link werkt niet meer" in page
    assert "verlopen of ingetrokken" in page
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert_problem(employer.get(path_of(share)), 410, "share-gone")
    # the downloads go with it
    assert employer.get(path_of(share) + "/presentation.json").status_code == 410


def test_a_withdrawn_link_is_410(client, employer, dossier, share):
    client.delete(f"{SHARES}/{share['id']}")
    page = html_of(employer.get(path_of(share), headers=BROWSER))
    assert "Deze link werkt niet meer" in page
    assert_problem(employer.get(path_of(share)), 410, "share-gone")
    for suffix in (f"/credentials/{dossier.png}/original", f"/credentials/{dossier.png}/image",
                   "/presentation.json", "/presentation.jwt"):
        assert employer.get(path_of(share) + suffix).status_code == 410


def statements(app, client, path) -> list[str]:
    return sql_statements(app, lambda: client.get(path))[0]


def test_unknown_expired_and_withdrawn_cost_the_same(app, client, employer, dossier,
                                                     monkeypatch):
    """One hash and one lookup by the hash's unique index, then the answer: the database
    sees the same statements whether the token is unknown, expired or withdrawn."""
    expired = make_share(client, [dossier.png], expires_in_days=1)
    withdrawn = make_share(client, [dossier.png])
    client.delete(f"{SHARES}/{withdrawn['id']}")
    from eigendossier.sharing import service

    monkeypatch.setattr(service, "utcnow",
                        at(datetime.now(UTC) + timedelta(days=2)))
    unknown = statements(app, employer, "/s/" + "x" * 22)
    assert statements(app, employer, path_of(expired)) == unknown
    assert statements(app, employer, path_of(withdrawn)) == unknown
    assert sum("FROM share " in s for s in unknown) == 1


def test_views_are_logged_with_the_time_only(app, client, employer, share):
    employer.get(path_of(share), environ_base={"REMOTE_ADDR": "203.0.113.77"},
                 headers={**BROWSER, "User-Agent": "Mozilla/5.0 (Recruiter-Laptop)"})
    with app.app_context():
        views = db.session.scalars(db.select(ShareView)).all()
        assert len(views) == 1
        assert set(ShareView.__table__.columns.keys()) == {"id", "share_id", "viewed_at"}
    stored = dump_database(app)
    assert "203.0.113.77" not in stored
    assert "Recruiter-Laptop" not in stored


def test_not_counted_the_learners_own_look_head_and_link_previews(client, employer, share):
    client.get(path_of(share))  # the learner checks their own page
    employer.head(path_of(share))
    employer.get(path_of(share), headers={"User-Agent": "WhatsApp/2.23.20.0"})
    employer.get(path_of(share), headers={"User-Agent": "facebookexternalhit/1.1"})
    assert client.get(f"{SHARES}/{share['id']}").get_json()["view_count"] == 0
    employer.get(path_of(share))
    assert client.get(f"{SHARES}/{share['id']}").get_json()["view_count"] == 1


def set_checked_at(app, credential_id, moment):
    with app.app_context():
        result = db.session.scalar(db.select(VerificationResult).filter_by(
            credential_id=credential_id))
        result.checked_at = moment
        db.session.commit()


def checked_at(app, credential_id):
    with app.app_context():
        return db.session.scalar(db.select(VerificationResult.checked_at).filter_by(
            credential_id=credential_id))


def test_a_stale_result_is_verified_again_live(app, employer, dossier, share):
    old = datetime.now(UTC) - timedelta(hours=2)
    recent = datetime.now(UTC) - timedelta(minutes=30)
    set_checked_at(app, dossier.png, old)
    set_checked_at(app, dossier.jwt, recent)
    page = html_of(employer.get(path_of(share), headers=BROWSER))
    assert checked_at(app, dossier.png) > recent  # older than an hour: checked again
    assert checked_at(app, dossier.jwt) == recent  # younger: the stored result is shown
    assert page.count("Geverifieerd</span>") == 2


def test_an_unchanged_result_only_moves_its_time(app, employer, dossier, share):
    """Verified again with the same outcome: the stored checks stay, and the new time is
    written with the view log in the page's one commit."""
    from eigendossier.dossier.models import VerificationCheck

    def check_rows():
        with app.app_context():
            return db.session.execute(db.select(VerificationCheck.id, VerificationCheck.outcome)
                                      .order_by(VerificationCheck.id)).all()

    old = datetime.now(UTC) - timedelta(hours=2)
    set_checked_at(app, dossier.png, old)
    before = check_rows()
    with app.app_context():
        engine = db.engine
    commits = []

    def count(conn):
        commits.append(conn)

    event.listen(engine, "commit", count)
    try:
        html_of(employer.get(path_of(share), headers=BROWSER))
    finally:
        event.remove(engine, "commit", count)
    assert len(commits) == 1  # the claim and the result with the view log
    assert checked_at(app, dossier.png) > old
    assert check_rows() == before
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ShareView.id))) == 1


@pytest.mark.parametrize("app_settings", [{"SHARE_REVERIFY_AFTER_SECONDS": 60}],
                         indirect=True)
def test_the_age_is_configurable(app, employer, dossier, share):
    two_minutes_ago = datetime.now(UTC) - timedelta(minutes=2)
    set_checked_at(app, dossier.jwt, two_minutes_ago)
    employer.get(path_of(share))
    assert checked_at(app, dossier.jwt) > two_minutes_ago


def test_a_revoked_credential_shows_as_revoked_when_checked_again(app, employer, dossier,
                                                                  share, monkeypatch):
    """What the live check finds is what the employer sees (here: the proof broke)."""
    with app.app_context():
        found = db.session.get(Credential, dossier.jwt)
        original = found.original
        found.seal(original[:-8] + b"AAAAAAAA", found.summary)
        db.session.commit()
    set_checked_at(app, dossier.jwt, datetime(2020, 1, 1, tzinfo=UTC))
    page = html_of(employer.get(path_of(share), headers=BROWSER))
    assert page.count("Geverifieerd</span>") == 1
    assert "Niet geldig</span>" in page


def test_the_original_files_and_the_badge_image(app, employer, dossier, share):
    response = employer.get(path_of(share) + f"/credentials/{dossier.png}/original")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Robots-Tag"] == "noindex"
    with app.app_context():
        assert response.get_data() == db.session.get(Credential, dossier.png).original
    jwt = employer.get(path_of(share) + f"/credentials/{dossier.jwt}/original")
    assert jwt.mimetype == "application/jwt"
    assert jwt.get_data().count(b".") == 2
    image = employer.get(path_of(share) + f"/credentials/{dossier.png}/image")
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert "Content-Disposition" not in image.headers
    assert employer.get(path_of(share) + f"/credentials/{dossier.jwt}/image").status_code == 404


def test_a_credential_outside_the_share_is_404(client, employer, dossier):
    only_png = make_share(client, [dossier.png])
    response = employer.get(path_of(only_png) + f"/credentials/{dossier.jwt}/original")
    assert_problem(response, 404, "not-found")
    response = employer.get(path_of(only_png) + f"/credentials/{dossier.jwt}/original",
                            headers=BROWSER)
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("app_settings", [{"RATELIMIT_SHARE_VIEW": "2 per minute"}],
                         indirect=True)
def test_rate_limited_per_address(employer, share, app):
    statuses = [employer.get(path_of(share)).status_code for _ in range(2)]
    response = employer.get(path_of(share), headers=BROWSER)
    assert statuses == [200, 200]
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert "Te veel pogingen" in html_of(response)
    assert_problem(employer.get(path_of(share)), 429, "too-many-requests")
    # another address is not limited
    other = app.test_client()
    assert other.get(path_of(share), environ_base={"REMOTE_ADDR": "198.51.100.9"}
                     ).status_code == 200
    # nor are unknown tokens a way around it
    assert employer.get("/s/" + "y" * 22).status_code == 429


def test_an_ob2_hosted_badge_is_shared_and_checked_with_its_issuer(app, client, learner,
                                                                   employer, badge_host):
    response = client.post("/api/v1/dossier/credentials",
                           json={"url": badge_host.hosted_badge()})
    assert response.status_code == 201, response.get_json()
    credential = response.get_json()
    body = make_share(client, [credential["id"]])
    set_checked_at(app, credential["id"], datetime(2020, 1, 1, tzinfo=UTC))
    badge_host.requests.clear()
    page = html_of(employer.get(path_of(body), headers=BROWSER))
    assert "/assertion.json" in badge_host.requests  # verified again, with the issuer
    assert "Klantgericht werken" in page
    assert "Geverifieerd</span>" in page
    assert "/presentation.json" not in page  # Open Badges 2.0 is not a Verifiable Credential
    assert_problem(employer.get(path_of(body) + "/presentation.json"), 404)


def test_a_failed_re_verification_keeps_the_stored_result_stale(app, employer, dossier, share,
                                                                 monkeypatch):
    from eigendossier.dossier import service as dossier_service

    def broken(*args, **kwargs):
        raise RuntimeError("issuer unreachable")

    old = datetime(2020, 1, 1, tzinfo=UTC)
    set_checked_at(app, dossier.png, old)
    monkeypatch.setattr(dossier_service.verification, "verify", broken)
    page = html_of(employer.get(path_of(share), headers=BROWSER))
    assert page.count("Geverifieerd</span>") == 2  # the stored result, with its date
    assert "1 januari 2020" in page
    assert checked_at(app, dossier.png) == old  # still stale: the next visitor tries again
