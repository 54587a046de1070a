"""Importing credentials: every input kind, refusals that store nothing, size limits,
duplicates, encryption at rest."""
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from eigendossier.core.extensions import db
from eigendossier.credentials import sdjwt
from eigendossier.credentials.jws import sign_compact
from tests.api.dossier.conftest import CREDENTIALS, EMAIL, row_counts, upload
from tests.credentials_support import (
    ICON,
    baked_png,
    baked_svg,
    signed_di,
    signed_jwt,
    unlinked_png,
)
from tests.support import assert_problem

# On SQLite, and on PostgreSQL what depends on it: duplicates caught by a unique
# constraint, sealed bytes, the order of the list, a refusal that stores nothing. Reading
# and refusing input is the same on either.

NOTHING = {"credential": 0, "verification_result": 0, "verification_check": 0,
           "experience_item": 0}


def assert_verified_microcredential(body, container, fmt):
    assert body["container"] == container
    assert body["format"] == fmt
    assert body["kind"] == "open_badge"
    verification = body["verification"]
    assert verification["status"] == "verified", verification
    assert verification["checked_at"].endswith("+00:00")
    checks = {c["id"]: c for c in verification["checks"]}
    assert checks["proof"]["outcome"] == "pass"
    assert checks["recipient"]["outcome"] == "pass"
    assert checks["recipient"]["message"] == "Uitgegeven aan jou (jouw e-mailadres)."
    achievement = body["summary"]["achievement"]
    assert achievement["ec"] == 3
    assert achievement["nlqf_level"] == "4"
    assert body["summary"]["issuer_name"] == "ROC Voorbeeld"
    assert body["achievement_ids"] == ["https://roc.example/achievements/elektra-veilig"]


@pytest.mark.both_databases
def test_upload_a_baked_png_of_ours(client, learner):
    response = upload(client, baked_png(EMAIL), "elektra.png")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert_verified_microcredential(body, "png", "ob3_data_integrity")
    assert body["image_src"] == f"{CREDENTIALS}/{body['id']}/original"
    assert response.headers.get("Location", True)


def test_upload_a_baked_svg_of_ours(client, learner):
    body = upload(client, baked_svg(EMAIL), "elektra.svg").get_json()
    assert_verified_microcredential(body, "svg", "ob3_jwt")


def test_upload_a_json_file_and_a_jwt_file(client, learner):
    body = upload(client, json.dumps(signed_di(EMAIL)).encode(), "badge.json").get_json()
    assert_verified_microcredential(body, "json", "ob3_data_integrity")
    body = upload(client, signed_jwt(EMAIL).encode(), "badge.jwt").get_json()
    assert_verified_microcredential(body, "jws", "ob3_jwt")


@pytest.mark.both_databases
def test_paste_json_and_a_compact_jws(client, learner):
    response = client.post(CREDENTIALS, json={"text": json.dumps(signed_di(EMAIL), indent=2)})
    assert response.status_code == 201
    assert_verified_microcredential(response.get_json(), "json", "ob3_data_integrity")
    response = client.post(CREDENTIALS, json={"text": "  " + signed_jwt(EMAIL) + "\n"})
    assert response.status_code == 201
    assert_verified_microcredential(response.get_json(), "jws", "ob3_jwt")


def test_import_a_hosted_edubadge_by_url(client, learner, badge_host):
    url = badge_host.hosted_badge()
    response = client.post(CREDENTIALS, json={"url": url})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["format"] == "ob2_hosted"
    assert body["verification"]["status"] == "verified"
    assert body["summary"]["title"] == "Klantgericht werken"
    assert body["summary"]["achievement"]["ec"] == 2.5
    assert body["achievement_ids"] == [badge_host.url + "/badge.json"]
    assert "/assertion.json" in badge_host.requests


def test_import_a_baked_png_by_url(client, learner, badge_host):
    url = badge_host.put("/mijn-badge.png", baked_png(EMAIL), "image/png")
    body = client.post(CREDENTIALS, json={"url": url}).get_json()
    assert_verified_microcredential(body, "png", "ob3_data_integrity")


@pytest.mark.parametrize("app_settings", [{}], indirect=True)
def test_url_import_to_a_private_address_is_refused_by_default(app, client, learner):
    for url in ("http://127.0.0.1:9/badge.json", "https://169.254.169.254/latest/meta-data",
                "https://10.0.0.1/badge.json", "https://[::1]/badge.json"):
        body = assert_problem(client.post(CREDENTIALS, json={"url": url}), 422,
                              "url-unavailable")
        assert url.split("/")[2].strip("[]").split(":")[0] in body["detail"] or \
            "mag niet" in body["detail"]
    assert row_counts(app) == NOTHING


def test_url_that_does_not_answer_is_refused(app, client, learner, badge_host):
    body = assert_problem(client.post(CREDENTIALS, json={"url": badge_host.url + "/gone"}),
                          422, "url-unavailable")
    assert body["detail"].endswith("niet ophalen: de server antwoordde met foutcode 404.")
    assert row_counts(app) == NOTHING


def _sd_jwt(*, extra=False, twice=False, typ=sdjwt.VC_TYP) -> bytes:
    key = Ed25519PrivateKey.generate()
    grade = sdjwt.make_disclosure("grade", "8,1")
    claims = {"iss": "did:example:school", "vct": "urn:example:award",
              "_sd": [grade.digest], "inner": {"_sd": [grade.digest] if twice else []}}
    token = sign_compact({"alg": "EdDSA", "typ": typ}, json.dumps(claims).encode(), key)
    forged = [sdjwt.make_disclosure("grade", "10").encoded] if extra else []
    return ("~".join([token, grade.encoded, *forged]) + "~").encode()


UNREADABLE = [
    (b"GIF89a not a badge", "badge.gif", "geen badge-afbeelding"),
    (ICON, "plain.png", "geen badge"),
    (b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
     b"<svg xmlns='http://www.w3.org/2000/svg'>&x;</svg>", "xxe.svg", "veiligheidsredenen"),
    (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 "
     b"'&lol;&lol;&lol;&lol;'>]><svg xmlns='http://www.w3.org/2000/svg'>&lol2;</svg>",
     "laughs.svg", "veiligheidsredenen"),
    (b'{"type": "BadgeClass", "@context": "https://w3id.org/openbadges/v2"}', "class.json",
     "geen uitgereikte badge"),
    (b"{not json", "broken.json", "geen geldige JSON"),
    (b"[" * 200 + b"]" * 200, "deep.json", "geen badge-afbeelding"),
    (b'{"a": ' * 100 + b"1" + b"}" * 100, "deep.json", "te diep genest"),
    (b"eyJhbGciOiAibm9uZSJ9.eyJ2YyI6IHt9fQ.c2lnbmF0dXJl", "none.jwt", "niet is toegestaan"),
    (b"eyJhbGciOiAiSFMyNTYifQ.eyJ2YyI6IHt9fQ.c2lnbmF0dXJl", "hs256.jws", "niet is toegestaan"),
    # SD-JWT VC: a disclosure the issuer never signed, a digest used twice, not a VC
    (_sd_jwt(extra=True), "forged.sd-jwt", "komen niet overeen"),
    (_sd_jwt(twice=True), "twice.sd-jwt", "komen niet overeen"),
    (_sd_jwt(typ="JWT"), "plain.sd-jwt", "geen uitgereikte"),
]


@pytest.mark.parametrize(("data", "filename", "detail"), UNREADABLE)
def test_unreadable_uploads_are_refused_and_nothing_is_stored(app, client, learner, data,
                                                             filename, detail):
    if not isinstance(data, bytes):
        data = data.read_bytes()
    body = assert_problem(upload(client, data, filename), 422, "credential-unreadable")
    assert detail in body["detail"], body
    assert row_counts(app) == NOTHING


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "_schema"), ({"text": ""}, "_schema"), ({"text": "x", "url": "https://a.nl/b"},
                                                 "_schema"),
    ({"url": "javascript:alert(1)"}, "url"), ({"url": "not a url"}, "url"),
    ({"text": "x", "other": 1}, "other"),
])
def test_bad_json_bodies_are_refused_with_field_errors(app, client, learner, payload, field):
    body = assert_problem(client.post(CREDENTIALS, json=payload), 422, "validation")
    assert field in body["errors"], body
    assert row_counts(app) == NOTHING


def test_text_and_url_together_are_refused_in_the_learners_language(app, client, learner):
    response = client.post(CREDENTIALS, json={"text": "x", "url": "https://a.nl/b"})
    assert assert_problem(response, 422, "validation")["errors"]["_schema"] == [
        "Geef de tekst (text) of de url, niet allebei."]


def test_missing_file_and_wrong_media_type(app, client, learner):
    response = client.post(CREDENTIALS, data={"other": "x"}, content_type="multipart/form-data")
    assert "file" in assert_problem(response, 422, "validation")["errors"]
    assert_problem(client.post(CREDENTIALS, data="text", content_type="text/plain"), 415)
    assert row_counts(app) == NOTHING


@pytest.mark.both_databases
def test_pasted_text_that_is_no_credential(app, client, learner):
    body = assert_problem(client.post(CREDENTIALS, json={"text": "hallo"}), 422,
                          "credential-unreadable")
    assert "JWS" in body["detail"]
    assert row_counts(app) == NOTHING


@pytest.mark.both_databases
def test_the_same_credential_twice_is_refused(app, client, learner):
    credential = signed_di(EMAIL)
    assert client.post(CREDENTIALS, json={"text": json.dumps(credential)}).status_code == 201
    # the same credential again, in another container and with other whitespace
    from eigendossier.credentials import bake_png
    from tests.credentials_support import ICON
    baked = bake_png(ICON.read_bytes(), json.dumps(credential, indent=4))
    body = assert_problem(upload(client, baked), 409, "credential-duplicate")
    assert body["title"] == "Deze credential staat al in je dossier"
    assert row_counts(app)["credential"] == 1


def test_over_size_upload_is_refused_before_parsing(app, client, learner):
    too_big = b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024)
    # built by hand: the test client would spool it to a temporary file it never closes
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
            b"Content-Type: image/png\r\n\r\n" + too_big + b"\r\n--b--\r\n")
    response = client.post(CREDENTIALS, data=body,
                           content_type="multipart/form-data; boundary=b")
    assert_problem(response, 413, "too-large")
    assert row_counts(app) == NOTHING


@pytest.mark.parametrize("app_settings", [{"DOSSIER_MAX_UPLOAD": 2000,
                                           "DOSSIER_MAX_JSON": 1000}], indirect=True)
def test_configured_size_limits(app, client, learner):
    body = assert_problem(upload(client, baked_png(EMAIL)), 413, "too-large")
    assert "0" in body["detail"]
    assert_problem(client.post(CREDENTIALS, json={"text": json.dumps(signed_di(EMAIL))}), 413,
                   "too-large")
    assert row_counts(app) == NOTHING


def test_pasted_text_over_one_megabyte_is_refused(app, client, learner):
    text_ = json.dumps({"padding": "x" * (1024 * 1024)})
    assert_problem(client.post(CREDENTIALS, json={"text": text_}), 413, "too-large")
    assert row_counts(app) == NOTHING


@pytest.mark.both_databases
def test_payloads_are_encrypted_at_rest(app, client, learner):
    credential = signed_di(EMAIL, name="Geheimzinnige microcredential")
    raw = json.dumps(credential).encode()
    created = upload(client, raw, "badge.json").get_json()
    with app.app_context():
        row = db.session.execute(text(
            "SELECT original_sealed, summary_sealed, key_id, content_hash FROM credential"
        )).one()
    original, summary, key_id, content_hash = row
    for secret in (b"Geheimzinnige", b"OpenBadgeCredential", b"ROC Voorbeeld",
                   credential["proof"]["proofValue"].encode()):
        assert secret not in bytes(original)
        assert secret not in bytes(summary)
    assert key_id == "k1"
    assert len(content_hash) == 64
    # the learner still gets the original back byte for byte
    response = client.get(f"{CREDENTIALS}/{created['id']}/original")
    assert response.data == raw
    assert response.mimetype == "application/json"


def test_original_download_has_the_right_content_type(client, learner):
    for data, filename, mimetype in [(baked_png(EMAIL), "a.png", "image/png"),
                                     (baked_svg(EMAIL), "a.svg", "image/svg+xml"),
                                     (signed_jwt(EMAIL).encode(), "a.jwt", "application/jwt")]:
        created = upload(client, data, filename).get_json()
        response = client.get(created["original_url"])
        assert response.status_code == 200
        assert response.mimetype == mimetype
        assert response.data == data
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.both_databases
def test_another_vc_is_kept_as_an_other_credential(client, learner):
    from eigendossier.credentials import dataintegrity
    from tests.credentials_support import Issuer
    issuer = Issuer()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b7d4b2c-1f3e-4d55-9a56-0d6c7e8f9a10",
        "type": ["VerifiableCredential"],
        "issuer": issuer.did,
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Werkervaring",
        "credentialSubject": {"id": "mailto:" + EMAIL, "role": "Monteur"},
    }
    signed = dataintegrity.sign(document, issuer.private, issuer.method, "2024-01-01T00:00:00Z")
    body = client.post(CREDENTIALS, json={"text": json.dumps(signed)}).get_json()
    assert body["format"] == "other_vc"
    assert body["kind"] == "other_credential"
    checks = {c["id"]: c["outcome"] for c in body["verification"]["checks"]}
    assert checks["proof"] == "pass"
    assert checks["recipient"] == "pass"


@pytest.mark.both_databases
def test_list_is_newest_issued_first(client, learner):
    upload(client, unlinked_png())  # issued 2010
    upload(client, baked_png(EMAIL))  # issued 2024
    listed = client.get(CREDENTIALS).get_json()
    assert [c["summary"]["issued_on"][:4] for c in listed] == ["2024", "2010"]


def test_a_hosted_badge_image_is_kept_inline_for_the_pwa(client, learner, badge_host):
    """The PWA may show images only from our origin or data: URIs (CSP)."""
    import base64

    png = unlinked_png()
    url = badge_host.hosted_badge()
    badge_host.put("/badge.png", png, "image/png")
    body = client.post(CREDENTIALS, json={"url": url}).get_json()
    assert body["image_src"].startswith("data:image/png;base64,")
    assert base64.b64decode(body["image_src"].split(",", 1)[1]) == png
    fetched = badge_host.requests.count("/badge.png")
    client.post(f"{CREDENTIALS}/{body['id']}/verify")
    assert badge_host.requests.count("/badge.png") == fetched, "fetched once, not per check"


def test_an_unreachable_or_non_image_badge_image_is_left_out(client, learner, badge_host):
    url = badge_host.hosted_badge()
    response = client.post(CREDENTIALS, json={"url": url})
    assert response.status_code == 201
    assert response.get_json()["image_src"] is None
    client.delete(f"{CREDENTIALS}/{response.get_json()['id']}")
    badge_host.put("/badge.png", b"<html>not an image</html>", "text/html")
    assert client.post(CREDENTIALS, json={"url": url}).get_json()["image_src"] is None
