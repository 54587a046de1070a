"""Mijn gegevens: the learner downloads all their data as a zip with a readable index.html,
then deletes the account; signing in again fails."""
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, open_tab, sign_up_by_api_and_open_dossier

pytestmark = pytest.mark.e2e


def test_download_my_data_then_delete_the_account(page, tmp_path):
    email = sign_up_by_api_and_open_dossier(page)
    open_tab(page, "Profiel")
    expect(page.get_by_role("heading", name="Mijn gegevens", exact=True)).to_be_visible()
    trail = page.get_by_role("region", name="Wat er met je gegevens gebeurde")
    expect(trail.get_by_text("Je bent ingelogd.")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Mijn gegevens downloaden").click()
    target = tmp_path / "export.zip"
    download_info.value.save_as(target)
    expect(page.get_by_text("Je gegevens zijn gedownload.")).to_be_visible()
    with zipfile.ZipFile(target) as archive:
        assert {"index.html", "manifest.json", "credentials.json"} <= set(archive.namelist())
        assert "Mijn gegevens in Eigen Dossier" in archive.read("index.html").decode()

    page.get_by_role("button", name="Account verwijderen").click()
    dialog = page.get_by_role("dialog", name="Account echt verwijderen?")
    expect(dialog).to_be_visible()
    dialog.get_by_label(re.compile("Typ je e-mailadres")).fill(email)
    dialog.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    dialog.get_by_role("button", name="Ja, verwijder mijn account").click()

    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("E-mailadres of wachtwoord klopt niet")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
