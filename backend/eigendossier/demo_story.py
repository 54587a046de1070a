"""The demo's story, made through the same service functions the app uses, so that every
screen has something to show on first start:

- Sanne (upskilling): two credentials Techniek College Rijnmond awarded her, a VCA certificate
  she imported (signed by another party's did:key) and a first-aid certificate that expired;
  a route through carpentry she is enrolled in; inbox items; a share link for an employer.
- Yusuf (retraining): a voucher from his old school, claimed; a credential that was revoked.
- Maria (recognition, English): a planned route through mechatronics, her Polish diploma
  imported, and two recognition requests that offer it, waiting for Techniek College Rijnmond.
- Staff of Techniek College Rijnmond: the catalogue, Maria's pending requests, a voucher
  batch (one claimed, the others open: letters to print) and what they issued.

Made once: when the school has its signing key, the story is there already."""
import json
import secrets
import uuid
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eigendossier.accounts import service as accounts
from eigendossier.catalog import service as catalog
from eigendossier.catalog.models import Block, Qualification
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials.keys import PublicKey
from eigendossier.dossier import experience
from eigendossier.dossier import service as dossier
from eigendossier.issuing import awarding, documents
from eigendossier.issuing import service as issuing
from eigendossier.notifications.models import Notification
from eigendossier.routes import enrolments, recognition
from eigendossier.routes import service as routes
from eigendossier.sharing import service as sharing
from eigendossier.vouchers import batches, claims

TECHNIEK = "techniek-college-rijnmond"
ZORG = "zorgacademie-oost"
SANNE = "sanne@demo.eigendossier.nl"
YUSUF = "yusuf@demo.eigendossier.nl"
MARIA = "maria@demo.eigendossier.nl"
TEACHER = "docent@techniek.demo.eigendossier.nl"
CARE_TEACHER = "docent@zorg.demo.eigendossier.nl"
GRADUATES = """name,email,graduation_date,qualification
Yusuf Demir,yusuf@demo.eigendossier.nl,{graduated},25655
Daan Visser,daan@demo.eigendossier.nl,{graduated},25655
Lotte Bakker,lotte@demo.eigendossier.nl,{graduated},25655
Şeyma Öztürk,seyma@demo.eigendossier.nl,{graduated},25290
"""


def load_story() -> int:
    """Make the story; returns how many things were made (0 when it is there already)."""
    school = catalog.institution_by_slug(TECHNIEK)
    if school is None or issuing.profile_of(school) is not None:
        return 0
    for slug in (TECHNIEK, ZORG):
        issuing.create_key(slug)
    today = date.today()
    return _sanne(today) + _yusuf(today) + _maria(today)


def _block(code: str) -> Block:
    return db.session.scalar(db.select(Block).filter_by(code=code))


def _qualification(crebo: str) -> Qualification:
    return db.session.scalar(db.select(Qualification).filter_by(crebo=crebo))


def _sanne(today: date) -> int:
    sanne, teacher = accounts.account_by_email(SANNE), accounts.account_by_email(TEACHER)
    awarded = [awarding.award(teacher, TECHNIEK, _block(code).id, SANNE,
                              today - timedelta(days=days))
               for code, days in (("TIM-01", 120), ("TIM-02", 40))]
    vca = _imported(sanne, "VCA-B", {"nl": "VCA Basisveiligheid", "en": "VCA Basic Safety"},
                    valid_until=None)
    _imported(sanne, "EHBO", {"nl": "Eerste Hulp Bij Ongelukken", "en": "First aid"},
              valid_until=utcnow() - timedelta(days=30))
    outcome = routes.plan(sanne, _qualification("25655").id, "bijscholing", {}, True, today)
    route = routes.save_route(sanne, outcome, 0)
    enrolments.enrol_route(sanne, route.id, today)
    sharing.create_share(sanne, credential_ids=[awarded[0].credential_id, vca.id],
                         label="Sollicitatie Bouwbedrijf Van Dijk", expires_in_days=30)
    db.session.add_all([
        Notification(account_id=sanne.id, kind="module_start",
                     title="Je module begint over 7 dagen",
                     body="Je eerste les van je route begint volgende week.", url="/rooster"),
        Notification(account_id=sanne.id, kind="module_start",
                     title="Nieuw in je dossier: Maatvoering",
                     body="Techniek College Rijnmond heeft je een bewijs gegeven.",
                     url="/dossier", read_at=utcnow()),
    ])
    db.session.commit()
    return 7


def _imported(learner, code: str, name: dict, valid_until: datetime | None,
              issuer_name: str = "Stichting Samenwerken Voor Veiligheid"):
    """A credential from an organisation outside the app, signed with its own did:key, as a
    learner would import it."""
    private = Ed25519PrivateKey.generate()
    multikey = PublicKey("Ed25519", private.public_key()).to_multikey()
    did = f"did:key:{multikey}"
    issued = utcnow() - timedelta(days=400)
    facts = documents.Facts(
        id=f"https://credentials.example.org/achievements/{code.lower()}", code=code, name=name,
        qualification=name, crebo="", level=2, ec=0, hours=8,
        learning_outcomes=[{"nl": "Werkt veilig volgens de VCA-regels",
                            "en": "Works safely by the VCA rules"}])
    issuer = documents.Issuer(did, issuer_name)
    unsigned = documents.credential(
        issuer, facts, language="nl", credential_id=f"urn:uuid:{uuid.uuid4()}",
        email=learner.email, salt=secrets.token_hex(8), valid_from=issued, list_url="",
        index=0)
    del unsigned["credentialStatus"]
    if valid_until is not None:
        unsigned["validUntil"] = documents.timestamp(valid_until)
    signed = documents.sign_data_integrity(
        unsigned, documents.Signer(private, f"{did}#{multikey}"), issued)
    copy = dossier.add_credential(learner, json.dumps(signed).encode())
    db.session.commit()
    return copy


def _yusuf(today: date) -> int:
    yusuf, teacher = accounts.account_by_email(YUSUF), accounts.account_by_email(TEACHER)
    care_teacher = accounts.account_by_email(CARE_TEACHER)
    graduated = (today - timedelta(days=400)).isoformat()
    _, issued = batches.issue_batch(teacher, GRADUATES.format(graduated=graduated).encode(),
                                    [], today)
    claims.claim(yusuf, issued[0].code)
    wrong = awarding.award(care_teacher, ZORG, _block("VIG-01").id, YUSUF)
    awarding.revoke(care_teacher, ZORG, wrong.id, "Uitgegeven aan de verkeerde deelnemer")
    return 3


def _maria(today: date) -> int:
    maria = accounts.account_by_email(MARIA)
    outcome = routes.plan(maria, _qualification("25290").id, "opscholing", {}, True, today)
    routes.save_route(maria, outcome, 0)
    work = experience.create_experience(maria, {
        "role": "Mechanical engineer", "employer": "Stocznia Gdańsk",
        "start_date": date(2018, 9, 1), "end_date": date(2024, 6, 30),
        "description": "Designed and maintained hydraulic and pneumatic systems; PLC "
                       "programming (Siemens S7) for welding lines."})
    diploma = _imported(maria, "INZ-BSC", {"nl": "Inżynier mechanik (bachelor)",
                                           "en": "Mechanical engineer (bachelor)"},
                        valid_until=None, issuer_name="Politechnika Gdańska")
    for code in ("MEC-01", "MEC-02"):
        recognition.request_recognition(maria, _block(code).id, work.id, [diploma.id])
    return 5
