"""A transcript from the route: the blocks of a qualification a learner holds verified awards
of, assembled into a 1EdTech CLR 2.0 ``ClrCredential`` signed by the school, and the
learner's progress towards the whole qualification (EC done / total, blocks to go and when
they next start).

An award counts when the school issued it to this learner, it is not revoked, and its copy
in the learner's dossier verifies. The transcript lands in the dossier like any other
credential, verified by the dossier's own verifier; if it does not verify nothing is kept.
"""
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from flask_babel import lazy_gettext as _l

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Block, Qualification, Run
from eigendossier.core import audit
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.dossier import service as dossier
from eigendossier.dossier.models import TRUSTED_STATUSES, Credential
from eigendossier.issuing import documents
from eigendossier.issuing.models import IssuedCredential, IssuerProfile
from eigendossier.issuing.service import (
    IssuedUnverifiable,
    default_proof,
    form_bytes,
    issuer,
    profile_of,
    signer,
)

log = logging.getLogger(__name__)


class NothingCompleted(DomainError):
    status = 422
    slug = "transcript-nothing-completed"
    title = _l("No completed block of this qualification yet")
    detail = _l("A transcript needs at least one verified award from the school. "
                "Nothing was made.")


@dataclass(frozen=True)
class BlockToGo:
    block: Block
    next_start: date | None


@dataclass(frozen=True)
class Progress:
    qualification: Qualification
    ec_done: Decimal
    ec_total: Decimal
    done: list[Block]
    to_go: list[BlockToGo]


def _qualification(qualification_id: int) -> Qualification:
    found = db.session.get(Qualification, qualification_id)
    if found is None:
        raise NotFound()
    return found


def held_awards(account: Account, qualification: Qualification) -> list[IssuedCredential]:
    """The learner's awards for blocks of the qualification that count: issued here, not
    revoked, and verified in their dossier. One per block, in the qualification's order."""
    rows = db.session.scalars(
        db.select(IssuedCredential).join(Block, Block.id == IssuedCredential.block_id)
        .join(Credential, Credential.id == IssuedCredential.credential_id)
        .where(IssuedCredential.account_id == account.id,
               Credential.account_id == account.id,
               Block.qualification_id == qualification.id,
               IssuedCredential.revoked_at.is_(None))
        .order_by(Block.position, IssuedCredential.issued_at.desc())).all()
    counted: dict[int, IssuedCredential] = {}
    for row in rows:
        copy = db.session.get(Credential, row.credential_id)
        if (row.block_id not in counted and copy.verification is not None
                and copy.verification.status in TRUSTED_STATUSES):
            counted[row.block_id] = row
    return list(counted.values())


def _next_starts(blocks: list[Block], today: date) -> dict[int, date]:
    rows = db.session.execute(
        db.select(Run.block_id, db.func.min(Run.start_date))
        .where(Run.block_id.in_([b.id for b in blocks]), Run.start_date >= today)
        .group_by(Run.block_id)).all()
    return dict(rows)


def progress(account: Account, qualification_id: int, today: date) -> Progress:
    """How far the learner is: the blocks with a counted award are done. 404 when they hold
    nothing of the qualification (the same answer as for one that does not exist)."""
    qualification = _held_qualification(account, qualification_id)
    done_ids = {row.block_id for row in held_awards(account, qualification)}
    blocks = list(qualification.blocks)
    done = [b for b in blocks if b.id in done_ids]
    left = [b for b in blocks if b.id not in done_ids]
    starts = _next_starts(left, today) if left else {}
    return Progress(qualification, sum((b.ec for b in done), Decimal(0)),
                    sum((b.ec for b in blocks), Decimal(0)), done,
                    [BlockToGo(b, starts.get(b.id)) for b in left])


def progress_overview(account: Account, today: date) -> list[Progress]:
    """Progress for every qualification the learner holds an award of."""
    ids = db.session.scalars(
        db.select(Block.qualification_id).join(
            IssuedCredential, IssuedCredential.block_id == Block.id)
        .where(IssuedCredential.account_id == account.id,
               IssuedCredential.revoked_at.is_(None),
               IssuedCredential.credential_id.is_not(None))
        .distinct()).all()
    return [progress(account, qualification_id, today) for qualification_id in sorted(ids)]


def make_transcript(account: Account, qualification_id: int) -> Credential:
    """Sign a CLR 2.0 of the learner's counted awards of the qualification and add it to
    their dossier. 404 when they hold nothing of it; 422 when nothing counts yet."""
    qualification = _held_qualification(account, qualification_id)
    awards = held_awards(account, qualification)
    if not awards:
        raise NothingCompleted()
    profile = profile_of(qualification.institution)
    if profile is None or not profile.keys:
        raise NotFound()
    try:
        copy = _sign_and_keep(account, profile, qualification, awards)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return copy


def _held_qualification(account: Account, qualification_id: int) -> Qualification:
    """The qualification if the school issued the learner an award of it (even a revoked
    one); otherwise 404."""
    qualification = _qualification(qualification_id)
    held = db.session.scalar(
        db.select(IssuedCredential.id).join(Block, Block.id == IssuedCredential.block_id)
        .where(IssuedCredential.account_id == account.id,
               Block.qualification_id == qualification.id).limit(1))
    if held is None:
        raise NotFound()
    return qualification


def _sign_and_keep(account: Account, profile: IssuerProfile, qualification: Qualification,
                   awards: list[IssuedCredential]) -> Credential:
    language = account.locale if account.locale in documents.LANGUAGES else "nl"
    names = {"nl": qualification.name_nl, "en": qualification.name_en}
    ec_total = float(sum((b.ec for b in qualification.blocks), Decimal(0)))
    achievement = documents.qualification_achievement(
        _qualification_id(profile, qualification), names, qualification.crebo,
        qualification.level, ec_total, language)
    now = utcnow()
    title = {"nl": f"Transcript {names['nl']}", "en": f"Transcript {names['en']}"}[language]
    about = {"nl": f"Afgeronde onderdelen van {names['nl']} (crebo {qualification.crebo}).",
             "en": f"Completed parts of {names['en']} (crebo {qualification.crebo})."}
    unsigned = documents.clr_credential(
        issuer(profile), credential_id=f"urn:uuid:{uuid.uuid4()}", name=title,
        description=about[language], email=account.email, salt=secrets.token_hex(8),
        valid_from=now, qualification=achievement,
        awards=[row.forms["json"] for row in awards],
        partial=len(awards) < len(qualification.blocks))
    sign_with, proof = signer(profile), default_proof()
    forms = {"json": documents.sign_data_integrity(unsigned, sign_with, now),
             "jwt": documents.sign_vc_jwt(unsigned, sign_with)}
    copy = dossier.add_credential(account, form_bytes(forms, proof))
    if copy.verification.status not in TRUSTED_STATUSES:
        log.error("transcript failed our own verification: %s",
                  [(c.check_id, c.message_code) for c in copy.verification.checks
                   if c.outcome == "fail"])
        raise IssuedUnverifiable()
    db.session.flush()
    audit.record("transcript.issued", account.id, actor_id=account.id, subject=copy,
                 qualification=qualification.crebo, awards=len(awards),
                 institution=profile.institution.name)
    return copy


def _qualification_id(profile: IssuerProfile, qualification: Qualification) -> str:
    return (f"{profile.base_url}/issuers/{profile.institution.slug}/achievements/"
            f"{quote(qualification.crebo, safe='')}")
