"""Self-declared experience items with an optional evidence file, encrypted at rest."""
import pytest
from sqlalchemy import text

from eigendossier.core.extensions import db
from tests.api.dossier.conftest import EXPERIENCE, upload
from tests.support import assert_problem

PDF = b"%PDF-1.7\n% a scanned reference letter\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def create(client, **fields):
    body = {"role": "Verzorgende", "employer": "Zorggroep Noord", "start_date": "2018-09-01",
            "end_date": "2023-06-30", "description": "Persoonlijke verzorging op een "
                                                      "somatische afdeling.", **fields}
    return client.post(EXPERIENCE, json=body)


def test_create_list_read_update_delete(client, learner):
    response = create(client)
    assert response.status_code == 201
    item = response.get_json()
    assert item["self_declared"] is True
    assert item["evidence"] is None
    assert item["role"] == "Verzorgende"
    assert item["end_date"] == "2023-06-30"
    ongoing = create(client, role="Vrijwilliger", start_date="2024-01-01", end_date=None,
                     employer="").get_json()
    assert [i["role"] for i in client.get(EXPERIENCE).get_json()] == ["Vrijwilliger",
                                                                      "Verzorgende"]
    changed = client.patch(f"{EXPERIENCE}/{item['id']}", json={"role": "EVV'er"}).get_json()
    assert changed["role"] == "EVV'er"
    assert changed["employer"] == "Zorggroep Noord"
    assert client.get(f"{EXPERIENCE}/{item['id']}").get_json()["role"] == "EVV'er"
    assert client.delete(f"{EXPERIENCE}/{ongoing['id']}").status_code == 204
    assert [i["id"] for i in client.get(EXPERIENCE).get_json()] == [item["id"]]


@pytest.mark.parametrize(("fields", "error"), [
    ({"role": ""}, "role"), ({"start_date": "gisteren"}, "start_date"),
    ({"end_date": "2010-01-01"}, "end_date"), ({"description": "x" * 4001}, "description"),
    ({"verified": True}, "verified"),
])
def test_invalid_items_are_refused(client, learner, fields, error):
    body = assert_problem(create(client, **fields), 422, "validation")
    assert error in body["errors"], body
    assert client.get(EXPERIENCE).get_json() == []


def test_period_is_checked_on_update_too(client, learner):
    item = create(client).get_json()
    body = assert_problem(client.patch(f"{EXPERIENCE}/{item['id']}",
                                       json={"start_date": "2024-01-01"}), 422, "validation")
    assert "end_date" in body["errors"]


def test_evidence_is_encrypted_and_downloadable(app, client, learner):
    item = create(client).get_json()
    path = f"{EXPERIENCE}/{item['id']}/evidence"
    response = upload(client, PDF, "Referentie brief (2023).pdf", path=path, method="put")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["evidence"] == {
        "name": "Referentie brief 2023.pdf", "content_type": "application/pdf", "size": len(PDF)}
    with app.app_context():
        sealed = db.session.execute(text("SELECT evidence_sealed FROM experience_item")).scalar()
    assert b"scanned reference letter" not in bytes(sealed)
    download = client.get(path)
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    replaced = upload(client, JPEG, "foto.heic", path=path, method="put").get_json()
    assert replaced["evidence"]["content_type"] == "image/jpeg"  # by content, not by name
    assert replaced["evidence"]["name"] == "foto.jpg"
    assert client.delete(path).status_code == 204
    assert client.get(f"{EXPERIENCE}/{item['id']}").get_json()["evidence"] is None
    assert_problem(client.get(path), 404)


def test_evidence_must_be_a_pdf_or_image(client, learner):
    item = create(client).get_json()
    path = f"{EXPERIENCE}/{item['id']}/evidence"
    assert_problem(upload(client, b"<html><script>alert(1)</script>", "x.pdf", path=path,
                          method="put"), 422, "evidence-refused")
    assert_problem(client.put(path, json={"file": "x"}), 415)
    assert client.get(f"{EXPERIENCE}/{item['id']}").get_json()["evidence"] is None


@pytest.mark.parametrize("app_settings", [{"DOSSIER_MAX_UPLOAD": 1000}], indirect=True)
def test_evidence_over_the_limit(client, learner):
    item = create(client).get_json()
    path = f"{EXPERIENCE}/{item['id']}/evidence"
    assert_problem(upload(client, PDF + b"x" * 2000, "big.pdf", path=path, method="put"), 413)


def test_evidence_with_a_name_outside_latin_1_downloads(client, learner):
    """`Zaświadczenie.pdf` (a Polish certificate) uploaded fine, then every download was a
    500: a WSGI server writes headers in Latin-1 (PEP 3333), and the name went into a plain
    quoted filename. RFC 6266 `filename*` carries it in UTF-8, with an ASCII fallback."""
    item = create(client).get_json()
    path = f"{EXPERIENCE}/{item['id']}/evidence"
    uploaded = upload(client, PDF, "Zaświadczenie.pdf", path=path, method="put")
    assert uploaded.get_json()["evidence"]["name"] == "Zaświadczenie.pdf"
    download = client.get(path)
    assert download.status_code == 200
    assert download.data == PDF
    disposition = download.headers["Content-Disposition"]
    disposition.encode("latin-1")  # what gunicorn and werkzeug do before sending it
    assert disposition == (
        "attachment; filename=Zaswiadczenie.pdf; filename*=UTF-8''Za%C5%9Bwiadczenie.pdf")
