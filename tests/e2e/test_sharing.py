"""Sharing with an employer: the learner makes a share link in the Dossier tab; a second
browser with no cookies opens it and sees each credential verified; the learner withdraws
the link and the employer's page answers 410."""
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eigendossier.credentials import sdjwt, sdjwtvc
from tests.credentials_support import Issuer, baked_png
from tests.e2e.conftest import sign_up_by_api_and_open_dossier
from tests.e2e.test_accessibility import assert_no_serious_violations, no_horizontal_scroll
from tests.e2e.test_dossier import add_file

pytestmark = pytest.mark.e2e


def watch(page):
    """Collect script errors and CSP violations of a page."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    return errors


def make_share(page, label):
    page.goto("/dossier")
    page.get_by_role("link", name="Deellink maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deellink maken")
    option = page.locator(".share-options .option").first
    expect(option).to_contain_text("Credential verloopt niet")  # the credential's own expiry
    page.get_by_role("button", name="Link maken").click()  # nothing chosen yet
    expect(page.locator("#share-credentials")).to_contain_text("Kies minstens één credential")
    page.get_by_label("Veilig werken met elektriciteit").check()
    page.get_by_label("Voor wie is de link?").fill(label)
    expect(page.get_by_label("Hoe lang werkt de link?")).to_have_value("30")
    page.get_by_role("button", name="Link maken").click()
    expect(page.get_by_role("heading", name="Je deellink is klaar")).to_be_focused()
    expect(page.locator(".share-created .link-expiry")).to_contain_text("Link werkt tot")
    expect(page.locator(".share-once")).to_contain_text("alleen nu")
    expect(page.locator("img.share-qr")).to_have_js_property("complete", True)
    assert page.locator("img.share-qr").evaluate("img => img.naturalWidth") > 0
    url = page.get_by_role("textbox", name="Deellink").input_value()
    assert re.match(r"^http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{22}$", url), url
    return url


def test_share_verify_revoke(page, new_context, tmp_path):
    email = sign_up_by_api_and_open_dossier(page, name="Fatima El Amrani")
    badge = tmp_path / "elektra.png"
    badge.write_bytes(baked_png(email))
    add_file(page, badge)
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    url = make_share(page, "Sollicitatie Bouwbedrijf De Vries")

    page.get_by_role("button", name="Link kopiëren").click()
    expect(page.locator("#share-status")).to_have_text(re.compile("Link gekopieerd|Kopiëren"))

    # The employer: another browser, no cookies, no account.
    employer_context = new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    assert employer_context.cookies() == []
    employer = employer_context.new_page()
    errors = watch(employer)
    response = employer.goto(url)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex"
    expect(employer.get_by_role("heading", level=1)).to_have_text("Fatima El Amrani")
    expect(employer.get_by_text("Sollicitatie Bouwbedrijf De Vries")).to_be_visible()
    card = employer.locator("article.credential")
    expect(card).to_have_count(1)
    expect(card.locator(".status")).to_have_text("Geverifieerd")
    expect(card).to_contain_text("Hoe is dit gecontroleerd")
    expect(card).to_contain_text("Handtekening: geslaagd")
    expect(employer.locator(".link-expiry")).to_contain_text("Deze link werkt tot")
    expect(card.locator(".fields__row--validity")).to_contain_text("Geen einddatum")
    expect(card.locator("img.credential__image")).to_have_js_property("naturalWidth", 32)
    # the same in English, and readable with JavaScript off
    employer.get_by_role("link", name="English").click()
    expect(card.locator(".status")).to_have_text("Verified")
    assert not errors, errors
    nojs = new_context(java_script_enabled=False, locale="nl-NL").new_page()
    nojs.goto(url)
    expect(nojs.locator("article.credential .status")).to_have_text("Geverifieerd")

    # The learner sees that it was opened (twice: Dutch and English), and withdraws it.
    page.goto("/dossier")
    item = page.locator(".share-item")
    expect(item).to_contain_text("Sollicitatie Bouwbedrijf De Vries")
    expect(item).to_contain_text(re.compile(r"[23] keer geopend"))
    expect(item.locator(".link-expiry")).to_contain_text("Link werkt tot")
    item.get_by_role("button", name="Intrekken").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, intrekken").click()
    expect(page.locator("#shares-status")).to_contain_text("is ingetrokken")
    expect(item.locator(".status")).to_have_text("Link ingetrokken")
    expect(item.locator(".link-expiry")).to_contain_text("Link ingetrokken op")

    # The employer's page is gone.
    response = employer.goto(url + "?lang=nl")
    assert response.status == 410
    expect(employer.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet meer")
    assert not errors, errors

    # Print as PDF: a summary of the chosen credential downloads, behind a new share link.
    page.goto("/dossier")
    page.get_by_role("link", name="Afdrukken als PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Afdrukken als PDF")
    page.get_by_role("button", name="Afdrukken als PDF").click()  # nothing chosen yet
    expect(page.locator("#print-credentials")).to_contain_text("Kies minstens één credential")
    page.get_by_label("Veilig werken met elektriciteit").check()
    page.get_by_label("Samenvatting op één pagina").check()
    expect(page.get_by_label("Hoe lang werken de QR-codes?")).to_have_value("90")
    with page.expect_download() as download:
        page.get_by_role("button", name="Afdrukken als PDF").click()
    assert download.value.suggested_filename.startswith("dossier-samenvatting-")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    expect(page.locator("#print-status")).to_contain_text("De PDF is gedownload")


def sd_jwt_award() -> bytes:
    """An SD-JWT VC award by a did:key school, with a grade and birth date to withhold."""
    school = Issuer()
    claims, paths = sdjwtvc.award_claims(
        issuer=school.did, issuer_name="ROC Test", credential_id="urn:uuid:e2e-sd",
        issued_at=datetime(2026, 1, 1, tzinfo=UTC),
        achievement={"id": "https://roc.example/a/ict", "name": "Basis ICT", "ec": 3},
        birth_date="2005-03-01", grade="8,1")
    return sdjwt.issue(claims, paths, school.private, header={
        "alg": "EdDSA", "typ": sdjwt.VC_TYP, "kid": school.method}).encode()


def test_share_views_are_accessible_and_fit_320_px(new_context, tmp_path):
    page = new_context(bypass_csp=True, viewport={"width": 320, "height": 640}).new_page()
    email = sign_up_by_api_and_open_dossier(
        page, name="Bartholomeus Wilhelmina van Oldenbarnevelt-Schimmelpenninck")
    badge = tmp_path / "badge.png"
    badge.write_bytes(baked_png(email))
    add_file(page, badge)
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    award = tmp_path / "ict.sd-jwt"
    award.write_bytes(sd_jwt_award())
    page.goto("/dossier")
    add_file(page, award)
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    # the learner's own copy lists every field it holds, each one theirs to withhold
    held = page.get_by_role("region", name="Wat je bezit")
    expect(held.locator("dt")).to_have_text(["Geboortedatum", "Cijfer"])
    expect(held.locator("dd")).to_have_text([re.compile("^2005-03-01.*weglaten"),
                                             re.compile("^8,1.*weglaten")])
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "SD-JWT detail")
    page.get_by_role("link", name="Deze credential delen").click()
    expect(page.get_by_role("checkbox", name=re.compile("^Basis ICT"))).to_be_checked()
    page.get_by_label("Veilig werken met elektriciteit").check()
    # the SD-JWT's fields: none shown unless ticked
    expect(page.get_by_label("Geboortedatum")).not_to_be_checked()
    page.get_by_label("Cijfer").check()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "new share")
    page.get_by_label("Voor wie is de link?").fill("Gesprek")
    page.get_by_role("button", name="Link maken").click()
    url = page.get_by_role("textbox", name="Deellink").input_value()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "share created")
    page.goto("/dossier")
    page.get_by_role("link", name="Gesprek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gesprek")
    expect(page.locator(".share-views")).to_have_count(0)
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "share detail")
    employer = new_context(bypass_csp=True, viewport={"width": 320, "height": 640},
                           locale="nl-NL").new_page()
    employer.goto(url)
    expect(employer.locator("article.credential .status")).to_have_text(
        ["Geverifieerd", "Geverifieerd"])
    ict = employer.locator("article.credential", has_text="Basis ICT")
    expect(ict).to_contain_text("8,1")
    expect(ict.locator(".withheld")).to_contain_text("Niet gedeeld door")
    expect(ict.locator(".withheld")).to_contain_text("geboortedatum")
    no_horizontal_scroll(employer)
    assert_no_serious_violations(employer, "employer page")
    page.reload()
    expect(page.locator(".share-views li")).to_have_count(1)
    page.get_by_label("Link laten werken tot").select_option("365")
    page.get_by_role("button", name="Nieuwe einddatum opslaan").click()
    expect(page.locator("#share-detail-status")).to_contain_text("De link werkt nu tot")
    page.goto("/dossier/print")
    expect(page.get_by_role("heading", level=1)).to_have_text("Afdrukken als PDF")
    expect(page.get_by_label("Nederlands")).to_be_checked()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "print as PDF")
