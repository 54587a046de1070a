"""The school's side of its vouchers: a preview before anything is issued, the list with each
voucher's state, withdrawing one, mailing its code again and printing the letters (read back
from the PDF, QR code decoded). Another school's vouchers are a 404; learners get 403."""
import io

import pytest
import zxingcpp
from pypdf import PdfReader

from eigendossier.core.extensions import db
from eigendossier.vouchers.models import Voucher, VoucherBatch
from tests.api.vouchers.conftest import GRADUATES, issue
from tests.support import PASSWORD, assert_problem
from tests.support_mail import drain, text_of


@pytest.fixture
def app_settings(smtp_settings):
    return smtp_settings


def counts(app):
    with app.app_context():
        return (db.session.scalar(db.select(db.func.count(Voucher.id))),
                db.session.scalar(db.select(db.func.count(VoucherBatch.id))))


@pytest.fixture
def care_staff(app, runner, catalog):
    """A signed-in issuer of Zorgacademie Oost (zao): another school."""
    runner.invoke(args=["accounts", "create-staff", "--email", "zorg@zao.nl", "--name", "Fatima",
                        "--institution", "zao", "--password", PASSWORD])
    client = app.test_client()
    client.post("/api/v1/session", json={"email": "zorg@zao.nl", "password": PASSWORD})
    return client


def listed(staff, **query):
    response = staff.get("/api/v1/staff/vouchers", query_string=query)
    assert response.status_code == 200, response.get_json()
    return {v["graduate_email"]: v for v in response.get_json()}


def test_the_preview_shows_each_graduate_and_writes_nothing(app, staff):
    response = issue(staff, dry_run="true")
    assert response.status_code == 200, response.get_json()
    preview = response.get_json()
    assert preview["count"] == 2
    assert [(g["line"], g["name"], g["qualification"]) for g in preview["graduates"]] == [
        (2, "Sanne de Vries", "25655"), (3, "Yusuf Demir", "25655")]
    assert preview["graduates"][0]["valid_until"] == "2030-07-01T22:00:00+00:00"
    assert [q["crebo"] for q in preview["eligible_qualifications"]] == ["25655"]
    assert "code" not in preview["graduates"][0]
    assert counts(app) == (0, 0)


def test_a_preview_of_a_bad_list_names_each_line_and_writes_nothing(app, staff):
    bad = GRADUATES + "Piet,not-an-email,2025-06-01,25655\nKees,kees@example.nl,2024-01-01,25491\n"
    body = assert_problem(issue(staff, bad, dry_run="true"), 422, "voucher-batch-invalid")
    assert set(body["errors"]) == {"line 4", "line 5"}
    assert "25491" in body["errors"]["line 5"][0], "another school's qualification"
    assert counts(app) == (0, 0)


def test_the_list_shows_each_state(app, staff, client, learner, codes):
    assert client.post("/api/v1/vouchers/claim",
                       json={"code": codes["sanne@example.nl"]}).status_code == 200
    vouchers = listed(staff)
    assert vouchers["sanne@example.nl"]["state"] == "claimed"
    assert vouchers["yusuf@example.nl"]["state"] == "issued"
    assert "code" not in vouchers["yusuf@example.nl"]
    yusuf = vouchers["yusuf@example.nl"]["id"]
    voided = staff.post(f"/api/v1/staff/vouchers/{yusuf}/void",
                        json={"reason": "Wrong address"})
    assert voided.status_code == 200, voided.get_json()
    assert voided.get_json()["state"] == "void"
    assert list(listed(staff, state="void")) == ["yusuf@example.nl"]
    assert list(listed(staff, q="SANNE")) == ["sanne@example.nl"]
    batches = staff.get("/api/v1/staff/voucher-batches").get_json()
    assert [b["count"] for b in batches] == [2]


def test_a_withdrawn_code_no_longer_claims(app, staff, codes):
    other = app.test_client()
    from tests.support import sign_up
    sign_up(other, email="someone@example.nl", verified=True)
    waiting = other.post("/api/v1/vouchers/claim", json={"code": codes["yusuf@example.nl"]})
    assert waiting.status_code == 202, "another address: the school is asked"
    yusuf = listed(staff)["yusuf@example.nl"]["id"]
    staff.post(f"/api/v1/staff/vouchers/{yusuf}/void", json={"reason": "Diploma withdrawn"})
    assert_problem(other.post("/api/v1/vouchers/claim", json={"code": codes["yusuf@example.nl"]}),
                   410, "voucher-void")
    claims = staff.get("/api/v1/staff/voucher-claims").get_json()
    assert [c["status"] for c in claims] == ["refused"]


def test_only_an_open_voucher_is_withdrawn_and_a_reason_is_needed(app, staff, client, learner,
                                                                   codes):
    client.post("/api/v1/vouchers/claim", json={"code": codes["sanne@example.nl"]})
    vouchers = listed(staff)
    sanne, yusuf = vouchers["sanne@example.nl"]["id"], vouchers["yusuf@example.nl"]["id"]
    assert_problem(staff.post(f"/api/v1/staff/vouchers/{sanne}/void", json={"reason": "Oops"}),
                   409, "voucher-not-open")
    body = assert_problem(staff.post(f"/api/v1/staff/vouchers/{yusuf}/void", json={"reason": ""}),
                          422)
    assert "reason" in body["errors"]
    assert_problem(staff.post(f"/api/v1/staff/vouchers/{yusuf}/void", json={}), 422)
    assert listed(staff)["yusuf@example.nl"]["state"] == "issued", "nothing written"


def test_the_code_is_mailed_again_in_the_language_asked(app, staff, codes, mailbox):
    yusuf = listed(staff)["yusuf@example.nl"]["id"]
    response = staff.post(f"/api/v1/staff/vouchers/{yusuf}/send-code", json={"language": "en"})
    assert response.status_code == 200, response.get_json()
    drain(app)
    message = mailbox.last_to("yusuf@example.nl")
    assert message["Subject"] == "Your LLO voucher from Techniek College Rijnmond"
    text = text_of(message)
    assert codes["yusuf@example.nl"] in text
    assert "Valid until June 28, 2029" in text, text
    assert_problem(staff.post(f"/api/v1/staff/vouchers/{yusuf}/send-code",
                              json={"language": "de"}), 422)


def read_pdf(data: bytes) -> tuple[list[str], list[str]]:
    """The text of each page, and the text of every QR code on them."""
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    found = [result.text for page in reader.pages for image in page.images
             for result in zxingcpp.read_barcodes(image.image)]
    return texts, found


def test_letters_print_a_page_per_open_voucher_with_code_qr_and_date(app, staff, client,
                                                                     learner, codes):
    client.post("/api/v1/vouchers/claim", json={"code": codes["sanne@example.nl"]})
    batch = staff.get("/api/v1/staff/voucher-batches").get_json()[0]["id"]
    response = staff.get(f"/api/v1/staff/voucher-batches/{batch}/letters")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages, qr_texts = read_pdf(response.data)
    assert len(pages) == 1, "Sanne claimed hers: no letter"
    code = codes["yusuf@example.nl"]
    assert "Beste Yusuf Demir," in pages[0]
    assert code in pages[0]
    assert "Geldig tot en met 28 juni 2029" in pages[0]
    assert qr_texts == [f"https://dossier.example.test/vouchers?code={code}"]

    english = staff.get(f"/api/v1/staff/voucher-batches/{batch}/letters?language=en")
    pages, _ = read_pdf(english.data)
    assert "Dear Yusuf Demir," in pages[0]
    assert "Valid until June 28, 2029" in pages[0]


def test_a_name_in_any_script_prints(app, staff):
    issue(staff, "name,email,graduation_date,qualification\n"
                 "Şeyma Łukasiewicz-Øvergård,seyma@example.nl,2025-07-01,25655\n")
    only = listed(staff)["seyma@example.nl"]["id"]
    response = staff.get(f"/api/v1/staff/vouchers/{only}/letter")
    pages, qr_texts = read_pdf(response.data)
    assert "Şeyma Łukasiewicz-Øvergård" in pages[0]
    assert len(qr_texts) == 1


def test_another_school_gets_404_and_learners_403(app, staff, care_staff, client, learner,
                                                  codes):
    assert listed(care_staff) == {}
    assert care_staff.get("/api/v1/staff/voucher-batches").get_json() == []
    vouchers = listed(staff)
    yusuf = vouchers["yusuf@example.nl"]["id"]
    batch = staff.get("/api/v1/staff/voucher-batches").get_json()[0]["id"]
    for response in (
        care_staff.post(f"/api/v1/staff/vouchers/{yusuf}/void", json={"reason": "Not ours"}),
        care_staff.post(f"/api/v1/staff/vouchers/{yusuf}/send-code", json={}),
        care_staff.get(f"/api/v1/staff/vouchers/{yusuf}/letter"),
        care_staff.get(f"/api/v1/staff/voucher-batches/{batch}/letters"),
    ):
        assert_problem(response, 404)
    assert listed(staff)["yusuf@example.nl"]["state"] == "issued"
    for response in (
        client.get("/api/v1/staff/vouchers"),
        client.get("/api/v1/staff/voucher-batches"),
        client.post(f"/api/v1/staff/vouchers/{yusuf}/void", json={"reason": "Mine now"}),
        client.get(f"/api/v1/staff/vouchers/{yusuf}/letter"),
        client.post("/api/v1/vouchers/batches?dry_run=true", data=GRADUATES,
                    headers={"Content-Type": "text/csv"}),
    ):
        assert_problem(response, 403, "staff-only")


def test_a_big_batch_prints_in_parts(app, staff, monkeypatch):
    from eigendossier.vouchers import school
    monkeypatch.setattr(school, "LETTERS_PER_PDF", 1)
    issue(staff)
    [batch] = staff.get("/api/v1/staff/voucher-batches").get_json()
    assert (batch["count"], batch["open"], batch["letter_parts"]) == (2, 2, 2)
    pages = [read_pdf(staff.get(f"/api/v1/staff/voucher-batches/{batch['id']}/letters"
                                f"?part={part}").data)[0] for part in (1, 2)]
    assert "Sanne de Vries" in pages[0][0]
    assert "Yusuf Demir" in pages[1][0]
    assert_problem(staff.get(f"/api/v1/staff/voucher-batches/{batch['id']}/letters?part=3"),
                   409, "voucher-letters-none")
    assert_problem(staff.get(f"/api/v1/staff/voucher-batches/{batch['id']}/letters?part=0"), 422)
