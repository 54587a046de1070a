"""Every endpoint of the app, found by walking app.url_map, called by someone it does not
belong to: nobody (401 unless listed as public), learner B on each of learner A's objects
(404, answered exactly as for an object that does not exist), a learner on staff endpoints
(403/404), and staff of one institution on another's (403/404). A's data is the same
afterwards, and nothing of A's shows in what the others get.

A new endpoint whose path has a parameter this file cannot fill, or which answers anonymous
callers with 2xx without being listed as public, fails the test with a message saying what
to add: nothing is skipped silently."""
import io
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Block, Run
from eigendossier.core.extensions import db
from eigendossier.notifications.models import Notification
from eigendossier.web.hardening import MAX_ID
from tests.credentials_support import signed_jwt
from tests.support import PASSWORD, sign_up
from tests.support_push import b64url

ANNA = "anna@example.nl"
BOB = "bob@example.nl"
# Strings only Anna's data holds: none may appear in an answer to anyone else.
MARKERS = (ANNA, "Anna Achterberg", "Dakdekker bij Anna", "Sollicitatie van Anna",
           "annas-telefoon")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# (method, rule) anyone may call without signing in.
PUBLIC = {
    ("GET", "/api/openapi.json"),
    ("GET", "/api/v1/meta"),
    ("GET", "/api/v1/push/key"),
    ("GET", "/api/v1/routes/personas"),
    ("GET", "/api/v1/catalog/qualifications"),
    ("GET", "/api/v1/catalog/qualifications/<int:qualification_id>"),
    ("GET", "/api/v1/catalog/qualifications/<int:qualification_id>/carousel"),
    ("POST", "/api/v1/accounts"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("POST", "/api/v1/password-reset"),
    # The token from the mail is the authorization.
    ("POST", "/api/v1/password-reset/confirm"),
    ("POST", "/api/v1/email-verification/confirm"),
    # The VC-API's verifier: any software may ask whether a credential holds.
    ("POST", "/vc-api/credentials/verify"),
    ("POST", "/vc-api/presentations/verify"),
    # OAuth 2.0 token endpoint: the client's id and secret in the request are the
    # authorization (RFC 6749 errors, not problem documents).
    ("POST", "/vc-api/oauth/token"),
    # The employer's form asking a learner's wallet for proof: no account by design.
    ("GET", "/verify"),
    ("POST", "/verify"),
    # OpenID4VCI: the issuer sends the learner's browser back here; the state in the query,
    # bound to the learner who started, is the authorization (anyone else: "failed").
    ("GET", "/openid4vci/callback"),
}
# Rule prefixes that are public by design: the app's pages and files, sign-in with an
# identity provider, and the institutions' issuer documents that verifiers fetch (and their
# OpenID4VCI metadata and endpoints, which any wallet calls).
PUBLIC_PREFIXES = ("/issuers/", "/auth/oidc/", "/.well-known/",
                   # OpenID4VP: what any wallet fetches and posts to (the request id is the
                   # capability; tests/api/openid4vp/test_hostile.py tries unknown ones).
                   "/openid4vp/",
                   # The local outbox, to this machine only (tests/api/web/test_mail.py).
                   "/dev/outbox")
PUBLIC_RULES = {"/", "/<path:path>"}
# Rules whose secret token in the path is the authorization (capability URLs).
CAPABILITY_PREFIXES = ("/s/<token>", "/ical/<token>", "/verify/<token>")
# Rules only staff may call.
STAFF_PATTERNS = (r"^/api/v1/staff/", r"^/api/v1/issuing/<slug>/", r"^/api/v1/catalog$",
                  r"^/api/v1/vouchers/batches$")

# A request body per (method, rule) that passes validation, so the call reaches the
# ownership check (a 422 would say nothing about who may do it). {name} is filled from
# the parameters.
BODIES = {
    ("PATCH", "/api/v1/dossier/experience/<int:item_id>"): {"role": "Inbreker"},
    ("PATCH", "/api/v1/shares/<int:share_id>"): {"expires_in_days": 2},
    ("POST", "/api/v1/vouchers/<int:voucher_id>/redeem"): {"run_id": "{run_id}"},
    ("POST", "/api/v1/staff/recognition-requests/<int:request_id>/decision"):
        {"approved": True},
    ("POST", "/api/v1/staff/voucher-claims/<int:claim_id>/decision"): {"approved": True},
    ("POST", "/api/v1/issuing/<slug>/awards"): {"block_id": "{block_id}", "email": ANNA},
    ("POST", "/api/v1/issuing/<slug>/credentials/<int:issued_id>/revoke"):
        {"reason": "Authorization sweep"},
    ("POST", "/api/v1/staff/institutions/<slug>/members"):
        {"email": "nieuw@tcr.nl", "display_name": "Nieuw"},
    ("PATCH", "/api/v1/staff/institutions/<slug>/members/<int:member_id>"): {"role": "staff"},
    ("POST", "/api/v1/staff/vouchers/<int:voucher_id>/void"): {"reason": "Authorization sweep"},
}
HEADERS = {
    ("POST", "/api/v1/vouchers/<int:voucher_id>/redeem"): {"Idempotency-Key": "sweep-0001"},
}
VOLATILE = {"seconds_left"}  # changes with the clock, not with anyone's action


@pytest.fixture
def app_settings():
    """Issuing signs with did:web on the test client's host."""
    return {"ISSUING_BASE_URL": "http://localhost"}


def rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in METHODS:
            if method in rule.methods:
                yield method, rule


def is_public(method: str, rule) -> bool:
    return ((method, rule.rule) in PUBLIC or rule.rule in PUBLIC_RULES
            or rule.rule.startswith(PUBLIC_PREFIXES))


def is_capability(rule) -> bool:
    return rule.rule.startswith(CAPABILITY_PREFIXES)


def is_staff(rule) -> bool:
    return any(re.search(pattern, rule.rule) for pattern in STAFF_PATTERNS)


def fill(rule, values: dict) -> tuple[str | None, list[str]]:
    """The rule's path with each parameter from `values`; or None and the missing names."""
    missing = [name for name in rule.arguments if name not in values]
    if missing:
        return None, missing
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", str(values[name]), path)
    return path, []


def call(client, method: str, rule, path: str, values: dict):
    key = (method, rule.rule)
    body = BODIES.get(key)
    if body is not None:
        body = {k: _value(v, values) for k, v in body.items()}
    elif method in ("POST", "PUT", "PATCH"):
        body = {}
    response = client.open(path, method=method, json=body, headers=HEADERS.get(key, {}))
    response.get_data()  # read it all, then let go of files being sent
    response.close()
    return response


def _value(value, values):
    if isinstance(value, str) and value.startswith("{"):
        return values[value.strip("{}")]
    return value


def is_problem(response, *statuses) -> bool:
    return (response.status_code in statuses
            and response.mimetype == "application/problem+json")


def leaks(response) -> list[str]:
    text = response.get_data(as_text=True)
    return [marker for marker in MARKERS if marker in text]


# -- the world: Anna's objects, Bob, staff of two institutions -----------------------------


def _ok(response, status=201):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def _upload(client, data: bytes, name: str):
    return client.post("/api/v1/dossier/credentials", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name)})


def _staff(app, runner, email, institution):
    result = runner.invoke(args=["accounts", "create-staff", "--email", email, "--name",
                                 "Staf", "--institution", institution, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    _ok(client.post("/api/v1/session", json={"email": email, "password": PASSWORD}), 200)
    return client


def _id_of(app, model, **where):
    with app.app_context():
        return db.session.scalar(db.select(model.id).filter_by(**where))


@pytest.fixture
def world(app, runner, catalog):
    """Anna with one of everything, Bob with a share of his own, staff of tcr and zao."""
    tcr = _staff(app, runner, "docent@tcr.nl", "tcr")
    zao = _staff(app, runner, "docent@zao.nl", "zao")
    anna = app.test_client()
    sign_up(anna, email=ANNA, display_name="Anna Achterberg", verified=True)
    values = {"slug": "tcr", "session_id": _ok(anna.get("/api/v1/sessions"), 200)[0]["id"]}
    values["credential_id"] = _ok(_upload(anna, signed_jwt(ANNA).encode(), "a.jwt"))["id"]
    values["item_id"] = _ok(anna.post("/api/v1/dossier/experience", json={
        "role": "Dakdekker bij Anna", "employer": "Daken BV", "start_date": "2015-01-01"}))["id"]
    share = _ok(anna.post("/api/v1/shares", json={
        "credential_ids": [values["credential_id"]], "label": "Sollicitatie van Anna"}))
    values["share_id"] = share["id"]
    carpentry = next(q["id"] for q in anna.get("/api/v1/catalog/qualifications").get_json()
                     if q["crebo"] == "25655")
    route = _ok(anna.post("/api/v1/routes", json={
        "qualification_id": carpentry, "persona": "bijscholing",
        "preferences": {"start_date": "2098-12-01"}}))
    values["route_id"] = route["id"]
    values["enrolment_id"] = _ok(anna.post(f"/api/v1/routes/{route['id']}/enrolments"))[0]["id"]
    batch = _ok(tcr.post("/api/v1/vouchers/batches", headers={"Content-Type": "text/csv"},
                         data=f"name,email,graduation_date,qualification\n"
                              f"Anna Achterberg,{ANNA},2025-07-01,25655\n"
                              f"Carla Claes,carla@example.nl,2025-07-01,25655\n"))
    values["batch_id"] = batch["id"]
    values["voucher_id"] = _ok(anna.post("/api/v1/vouchers/claim", json={
        "code": batch["vouchers"][0]["code"]}), 200)["id"]
    # Carla's code in Anna's hands: a claim the school decides.
    values["claim_id"] = _ok(anna.post("/api/v1/vouchers/claim", json={
        "code": batch["vouchers"][1]["code"]}), 202)["id"]
    values["run_id"] = _id_of(app, Run, code="R-EVE")
    point = ec.derive_private_key(11, ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    values["subscription_id"] = _ok(anna.post("/api/v1/push/subscriptions", json={
        "endpoint": "https://push.example.net/annas-telefoon", "label": "annas-telefoon",
        "keys": {"p256dh": b64url(point), "auth": b64url(b"0123456789abcdef")}}))["id"]
    with app.app_context():
        note = Notification(account_id=_id_of(app, Account, email=ANNA), kind="module_start",
                            title="Anna Achterberg", body="b", url="/rooster")
        db.session.add(note)
        db.session.commit()
        values["notification_id"] = note.id
    values["block_id"] = _id_of(app, Block, code="TIM-01")
    values["request_id"] = _ok(anna.post("/api/v1/routes/recognition", json={
        "block_id": values["block_id"], "experience_item_id": values["item_id"]}))["id"]
    values["qualification_id"] = carpentry
    assert runner.invoke(args=["issuing", "create-key", "tcr"]).exit_code == 0
    values["issued_id"] = _ok(tcr.post("/api/v1/issuing/tcr/awards", json={
        "block_id": values["block_id"], "email": ANNA}))["id"]
    made = runner.invoke(args=["issuing", "api-client", "create", "tcr"])
    values["client_id"] = made.output.split()[1]
    values["member_id"] = _id_of(app, Account, email="docent@tcr.nl")

    bob = app.test_client()
    sign_up(bob, email=BOB, display_name="Bob")
    own = _ok(_upload(bob, signed_jwt(BOB).encode(), "b.jwt"))["id"]
    bob_share = _ok(bob.post("/api/v1/shares", json={"credential_ids": [own], "label": "B"}))
    bob_token = bob_share["url"].rsplit("/s/", 1)[1]
    return {"anna": anna, "bob": bob, "tcr": tcr, "zao": zao, "values": values,
            "bob_token": bob_token, "anna_token": share["url"].rsplit("/s/", 1)[1]}


def snapshot(app, client, values) -> dict:
    """What Anna sees through every GET she may call: her data, through the API."""
    seen = {}
    for method, rule in rules(app):
        if method != "GET" or is_capability(rule) or not rule.rule.startswith("/api/v1/"):
            continue
        path, _missing = fill(rule, values)
        if path is None:
            continue
        response = client.get(path)
        if response.status_code == 200 and response.is_json:
            seen[path] = _without(response.get_json(), VOLATILE)
    return seen


def _without(value, keys):
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


# -- the sweeps ----------------------------------------------------------------------------


def test_anonymous_callers_get_401_on_everything_personal(app, world):
    anonymous = app.test_client()
    values = {**world["values"], "token": "not-a-real-token", "provider": "nope",
              "path": "index.html", "crebo": "25655", "code": "TIM-01", "list_id": 1,
              "name": "none"}
    problems = []
    for method, rule in rules(app):
        path, missing = fill(rule, values)
        if path is None:
            problems.append(f"{method} {rule.rule}: no value for {missing}; add one to the "
                            "`values` of test_anonymous_callers_get_401_on_everything_personal")
            continue
        response = call(anonymous, method, rule, path, values)
        where = f"{method} {rule.rule} -> {response.status_code}"
        if response.status_code >= 500:
            problems.append(f"{where}: server error")
        elif is_public(method, rule):
            continue
        elif is_capability(rule):
            if not is_problem(response, 404, 410):
                problems.append(f"{where}: a made-up token must be refused with 404")
        elif 200 <= response.status_code < 400:
            problems.append(f"{where}: answers anonymous callers; if it is meant to be public, "
                            "add it to PUBLIC in tests/api/test_authorization.py")
        elif not is_problem(response, 401):
            problems.append(f"{where}: expected a 401 problem document")
    assert not problems, "\n".join(problems)


def test_another_learner_cannot_reach_anything_of_anna(app, world):
    bob, values = world["bob"], world["values"]
    before = snapshot(app, world["anna"], values)
    nobody = dict.fromkeys(values, MAX_ID)
    problems = []
    for method, rule in rules(app):
        if is_public(method, rule) or (not (rule.arguments - {"token"}) and not is_staff(rule)):
            continue
        anna_values = {**values, "token": world["bob_token"], "slug": "tcr"}
        none_values = {**nobody, "token": world["bob_token"], "slug": "tcr"}
        path, missing = fill(rule, anna_values)
        if path is None:
            problems.append(f"{method} {rule.rule}: no object of Anna for {missing}; make one "
                            "in the `world` fixture of tests/api/test_authorization.py")
            continue
        response = call(bob, method, rule, path, anna_values)
        where = f"{method} {rule.rule} -> {response.status_code}"
        if response.status_code == 422:
            problems.append(f"{where}: refused as invalid before the ownership check; add a "
                            "valid body to BODIES in tests/api/test_authorization.py")
            continue
        if not is_problem(response, 403, 404):
            problems.append(f"{where}: another learner must get 404 (403 for staff only)")
            continue
        if response.status_code == 403 and not is_staff(rule):
            problems.append(f"{where}: a learner's object must be 404 to others, not 403")
        absent = call(bob, method, rule, fill(rule, none_values)[0], none_values)
        if (absent.status_code, absent.get_json().get("type")) != \
                (response.status_code, response.get_json().get("type")):
            problems.append(f"{where}: differs from a missing object ({absent.status_code}): "
                            "it tells that Anna's object exists")
        problems.extend(f"{where}: shows {m!r}" for m in leaks(response))
    for method, rule in rules(app):
        if method == "GET" and not rule.arguments and rule.rule.startswith("/api/v1/"):
            problems.extend(f"GET {rule.rule}: Bob sees {m!r}"
                            for m in leaks(bob.get(rule.rule)))
    assert not problems, "\n".join(problems)
    assert snapshot(app, world["anna"], values) == before, "Anna's data changed"


def test_learners_and_other_institutions_cannot_use_staff_endpoints(app, world):
    values = world["values"]
    before = snapshot(app, world["anna"], values)
    problems = []
    staff_rules = [(m, r) for m, r in rules(app) if is_staff(r)]
    assert staff_rules, "STAFF_PATTERNS match no endpoint"
    for method, rule in staff_rules:
        path, missing = fill(rule, {**values, "slug": "tcr"})
        if path is None:
            problems.append(f"{method} {rule.rule}: no object of tcr for {missing}; make one "
                            "in the `world` fixture of tests/api/test_authorization.py")
            continue
        for who in ("bob", "zao"):
            response = call(world[who], method, rule, path, values)
            where = f"{who}: {method} {rule.rule} -> {response.status_code}"
            if who == "zao" and not rule.arguments:
                # Acts on zao's own institution: its list, its catalogue, its voucher batch.
                if method == "GET" and response.status_code != 200 \
                        and not is_problem(response, 403):
                    problems.append(f"{where}: expected 200 (own institution) or 403")
            elif response.status_code == 422:
                problems.append(f"{where}: refused as invalid before the permission check; "
                                "add a valid body to BODIES")
            elif not is_problem(response, 403, 404):
                problems.append(f"{where}: expected 403 or 404")
            if who == "zao":
                problems.extend(f"{where}: shows {m!r}" for m in leaks(response))
    assert not problems, "\n".join(problems)
    assert snapshot(app, world["anna"], values) == before, "Anna's data changed"


def test_a_share_token_opens_only_its_own_credentials(app, world):
    """Bob's share link cannot be turned into a view of Anna's credential."""
    visitor = app.test_client()
    anna_credential = world["values"]["credential_id"]
    for what in ("original", "image"):
        response = visitor.get(f"/s/{world['bob_token']}/credentials/{anna_credential}/{what}",
                               headers={"Accept": "application/json"})
        assert is_problem(response, 404), (what, response.status_code)
    page = visitor.get(f"/s/{world['anna_token']}")
    assert page.status_code == 200
    assert "Anna" in page.get_data(as_text=True)
