"""The printable dossier: the chosen credentials as an A4 PDF in Dutch or English, read back
with pypdf; its QR codes (read with zxing-cpp) open a share page that works; refused input
and another learner's credential write nothing."""
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.credentials import dataintegrity
from tests.api.dossier.conftest import EMAIL, upload
from tests.api.sharing.conftest import SHARES, row_counts
from tests.credentials_support import Issuer, microcredential
from tests.support import assert_problem, sign_up

PRINT = "/api/v1/dossier/print"
A4 = (595.28, 841.89)  # points


def printed(client, credential_ids, **fields):
    response = client.post(PRINT, json={"credential_ids": credential_ids, **fields})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response


def read_pdf(data: bytes) -> tuple[list[str], list[str], PdfReader]:
    """The text of each page, the text of every QR code, and the reader."""
    reader = PdfReader(io.BytesIO(data))
    texts = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    codes = [result.text for page in reader.pages for image in page.images
             for result in zxingcpp.read_barcodes(image.image)]
    return texts, codes, reader


def share_path(url: str) -> str:
    return "/s/" + url.split("/s/", 1)[1].split("#", 1)[0]


def today_nl() -> str:
    months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december")
    today = datetime.now(UTC).astimezone().date()
    return f"{today.day} {months[today.month - 1]} {today.year}"


def test_the_full_dossier_has_a_page_per_credential_with_a_live_qr(client, employer, dossier):
    response = printed(client, [dossier.png, dossier.jwt])
    assert "dossier-" in response.headers["Content-Disposition"]
    pages, codes, reader = read_pdf(response.data)
    assert len(pages) == 2
    assert {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
            for p in reader.pages} == {A4}
    first, second = pages
    assert "Sanne" in first
    assert "Veilig werken met elektriciteit" in first
    assert "Werken op hoogte" in second
    for page in pages:
        assert "Uitgever ROC Voorbeeld" in page
        assert "3 EC" in page
        assert "Praktijkexamen en kennistoets behaald." in page
        assert f"Geverifieerd op {today_nl()}" in page
    # the link works for 90 days by default, and the paper says so
    until = (datetime.now(UTC) + timedelta(days=90)).date()
    assert f"{until.day} " in first
    assert "Deze link werkt tot" in first
    # one QR code per credential, each to that credential on one share page that works
    assert len(codes) == 2
    assert codes[0].endswith(f"#credential-{dossier.png}")
    assert codes[1].endswith(f"#credential-{dossier.jwt}")
    assert share_path(codes[0]) == share_path(codes[1])
    assert codes[0].split("#")[0] in first.replace(" ", "")
    page = employer.get(share_path(codes[0]), headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Veilig werken met elektriciteit" in html
    assert "Werken op hoogte" in html


def test_hours_learning_outcomes_and_any_script_are_printed(client, dossier):
    issuer = Issuer()
    document = microcredential(EMAIL, issuer, name="Lassen · Kaynak için güvenlik — Ł/ø")
    document["credentialSubject"]["achievement"].update(
        studyLoad=84, learningOutcome=["Leest een lastekening.", "Last een hoeknaad."])
    signed = dataintegrity.sign(document, issuer.private, issuer.method, document["validFrom"])
    added = upload(client, json.dumps(signed).encode(), "lassen.json").get_json()
    assert added["verification"]["status"] == "verified", added
    pages, codes, _ = read_pdf(printed(client, [added["id"]], lang="en").data)
    assert len(pages) == 1
    assert "Lassen · Kaynak için güvenlik — Ł/ø" in pages[0]
    assert "Study load 84 hours" in pages[0]
    assert "Learning outcomes • Leest een lastekening. • Last een hoeknaad." in pages[0]
    assert "Level NLQF 4" in pages[0]
    assert len(codes) == 1


def test_the_summary_is_one_page_with_one_qr_in_english(app, client, employer, dossier):
    response = printed(client, [dossier.jwt, dossier.png], layout="summary", lang="en",
                       expires_in_days=14)
    assert "dossier-summary-" in response.headers["Content-Disposition"]
    pages, codes, _ = read_pdf(response.data)
    assert len(pages) == 1
    summary = pages[0]
    assert "Credentials at a glance" in summary
    for heading in ("Credential", "Issuer", "Date", "Verified"):
        assert heading in summary
    assert summary.index("Werken op hoogte") < summary.index("Veilig werken met elektriciteit")
    assert summary.count("ROC Voorbeeld") == 2
    assert summary.count("yes") == 2
    assert "September 1, 2024" in summary
    until = (datetime.now(UTC) + timedelta(days=14)).date()
    assert f"This link works until {until.strftime('%B')} {until.day}, {until.year}." in summary
    assert len(codes) == 1
    assert "#" not in codes[0]
    assert employer.get(share_path(codes[0])).status_code == 200
    # the share is the learner's own, listed with the others, for 14 days
    shares = client.get(SHARES).get_json()
    assert len(shares) == 1
    assert shares[0]["label"].startswith("Printed dossier, ")
    lifetime = (datetime.fromisoformat(shares[0]["expires_at"])
                - datetime.fromisoformat(shares[0]["created_at"]))
    assert lifetime == timedelta(days=14)
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).filter_by(
            action="dossier.printed")).one()
        assert event.details == {"layout": "summary", "language": "en", "credentials": 2}
        assert event.subject_id == shares[0]["id"]


def test_the_language_follows_the_learner_unless_asked(client, dossier):
    pages, _, _ = read_pdf(printed(client, [dossier.png], layout="summary").data)
    assert "Credentials in één oogopslag" in pages[0]
    for heading in ("Uitgever", "Datum", "Geverifieerd"):
        assert heading in pages[0]
    assert re.search(r"\bja\b", pages[0])
    assert "1 september 2024" in pages[0]
    assert client.patch("/api/v1/me", json={"locale": "en"}).status_code == 200
    pages, _, _ = read_pdf(printed(client, [dossier.png]).data)
    assert "Verified on" in pages[0]
    assert "Issuer ROC Voorbeeld" in pages[0]


def test_page_one_renders_to_an_image_with_a_readable_qr(client, dossier):
    """Rendered by PDFium (Chromium's PDF engine), as a viewer or printer would."""
    document = pypdfium2.PdfDocument(printed(client, [dossier.png], layout="summary").data)
    image = document[0].render(scale=100 / 72).to_pil()
    assert image.size == (827, 1170)  # A4 at 100 dpi
    codes = [result.text for result in zxingcpp.read_barcodes(image)]
    assert len(codes) == 1
    assert "/s/" in codes[0]


@pytest.mark.parametrize(("body", "field"), [
    ({"credential_ids": []}, "credential_ids"),
    ({"credential_ids": ["een"]}, "credential_ids"),
    ({"credential_ids": [1], "layout": "poster"}, "layout"),
    ({"credential_ids": [1], "lang": "de"}, "lang"),
    ({"credential_ids": [1], "expires_in_days": 0}, "expires_in_days"),
    ({"credential_ids": [1], "expires_in_days": 366}, "expires_in_days"),
    ({}, "credential_ids"),
])
def test_bad_input_is_refused_and_nothing_written(app, client, dossier, body, field):
    before = row_counts(app)
    problem = assert_problem(client.post(PRINT, json=body), 422)
    assert field in str(problem["errors"])
    assert row_counts(app) == before


def test_another_learners_credential_is_404_and_no_share_is_made(app, client, dossier):
    before = row_counts(app)
    client.delete("/api/v1/session")
    sign_up(client, email="indringer@example.nl", display_name="Indringer")
    assert_problem(client.post(PRINT, json={"credential_ids": [dossier.png]}), 404, "not-found")
    sign_up(client, email="tweede@example.nl", display_name="Tweede")
    assert_problem(client.post(PRINT, json={"credential_ids": [dossier.png + 1000]}), 404)
    assert row_counts(app) == before
    with app.app_context():
        assert db.session.scalars(db.select(AuditEvent).filter_by(
            action="dossier.printed")).all() == []


def test_nobody_signed_in_gets_401(app):
    assert_problem(app.test_client().post(PRINT, json={"credential_ids": [1]}), 401,
                   "not-signed-in")
