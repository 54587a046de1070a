"""Issuing throughput versus the raw Ed25519 signing floor, in one run.

    python bench/bench_issuing.py

For each proof kind it measures credentials built and signed per second with exactly what the
service issues (``eigendossier.issuing.documents``: an OB 3.0 microcredential with achievement,
alignments, badge image and status entry), and raw Ed25519 signatures per second over the very
same bytes that get signed (for eddsa-rdfc-2022 the 64-byte hash pair, for VC-JWT the JWS
signing input): the floor no issuer can beat. The ratio says how much of the time goes to
everything else (JSON-LD canonicalisation of the credential and proof options for Data
Integrity; JSON and base64url for VC-JWT).

A last row awards a CSV of completions end to end through the service on SQLite (signing
both forms, sealing them, the status list, the dossier copy verified by our own verifier, one
commit): what staff see per learner.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402
from goals import goal  # noqa: E402
from pyld_only import slow  # noqa: E402

from eigendossier.credentials import dataintegrity as di  # noqa: E402
from eigendossier.credentials.keys import PublicKey  # noqa: E402
from eigendossier.credentials.memo import forget_all  # noqa: E402
from eigendossier.issuing import documents  # noqa: E402

SECONDS = 1.5
BATCH = 25
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
FACTS = documents.Facts(
    id="https://dossier.example.nl/issuers/tcr/achievements/25655/TIM-01", code="TIM-01",
    name={"nl": "Veilig werken op de bouwplaats", "en": "Working safely on site"},
    qualification={"nl": "Timmerman", "en": "Carpenter"}, crebo="25655", level=2, ec=3,
    hours=84, learning_outcomes=[{"nl": "De beroepsbeoefenaar werkt veilig op de bouwplaats "
                                        "volgens de geldende normen, in de beroepspraktijk.",
                                  "en": "Works safely on site to the applicable standards."}])


def rate(call: Callable[[], object], seconds: float = SECONDS) -> float:
    """Calls per CPU second of this process, measured for about ``seconds`` of CPU after a
    short warm-up. CPU time leaves out the time other processes hold the cores of the shared
    machine, which made wall-clock ratios swing by half between runs."""
    for _ in range(3):
        call()
    count, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for _ in range(5):
            call()
        count += 5
    return count / elapsed


def paired(full: Callable[[], object], raw: Callable[[], object]) -> tuple[float, float]:
    """Best rates of ``full`` and ``raw`` over three interleaved rounds, so a load spike on
    the shared machine hits both sides of a ratio instead of one."""
    rounds = [(rate(full, SECONDS / 3), rate(raw, SECONDS / 3)) for _ in range(3)]
    return max(r[0] for r in rounds), max(r[1] for r in rounds)


def issuer_and_signer() -> tuple[documents.Issuer, documents.Signer, ed25519.Ed25519PrivateKey]:
    private = ed25519.Ed25519PrivateKey.generate()
    did = "did:web:dossier.example.nl:issuers:tcr"
    return (documents.Issuer(did, "Techniek College Rijnmond", "https://tcr.example"),
            documents.Signer(private, f"{did}#key-1"), private)


def unsigned(issuer: documents.Issuer) -> dict:
    return documents.credential(
        issuer, FACTS, language="nl", credential_id=f"urn:uuid:{uuid.uuid4()}",
        email="sanne@example.nl", salt=uuid.uuid4().hex[:16], valid_from=NOW,
        list_url="https://dossier.example.nl/issuers/tcr/status/1", index=4242)


def data_integrity_case() -> tuple[Callable[[], object], Callable[[], object]]:
    issuer, signer, private = issuer_and_signer()
    document = unsigned(issuer)
    signed = documents.sign_data_integrity(document, signer, NOW)
    data = di.verify_data(signed, signed["proof"])
    public = PublicKey("Ed25519", private.public_key())
    assert public.verify("Ed25519", data, di.signature_bytes(signed["proof"]))
    def sign():
        forget_all()  # the proof options repeat here; a real issuance sees new ones
        return documents.sign_data_integrity(unsigned(issuer), signer, NOW)

    return (sign, lambda: private.sign(data))


def vc_jwt_case() -> tuple[Callable[[], object], Callable[[], object]]:
    issuer, signer, private = issuer_and_signer()
    token = documents.sign_vc_jwt(unsigned(issuer), signer)
    signing_input = token.rsplit(".", 1)[0].encode("ascii")
    return (lambda: documents.sign_vc_jwt(unsigned(issuer), signer),
            lambda: private.sign(signing_input))


def end_to_end(proof: str) -> float:
    """Awards per second of a CSV of BATCH completions through the service, on SQLite."""
    from eigendossier import create_app
    from eigendossier.accounts.models import Account
    from eigendossier.catalog.service import import_catalog
    from eigendossier.core.extensions import db
    from eigendossier.issuing import awarding, service

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                          "SECRET_KEY": "bench", "DEMO_DATA": False, "INSTANCE_PATH": folder,
                          "ISSUING_BASE_URL": "https://dossier.example.nl",
                          "ISSUING_DEFAULT_PROOF": proof})
        with app.app_context():
            db.create_all()
            import_catalog((ROOT / "tests" / "fixtures" / "catalog.yaml").read_text())
            staff = Account(email="docent@tcr.nl", display_name="Pieter", role="issuer",
                            institution_id=1)
            learners = [Account(email=f"learner{n}@example.nl", display_name=f"L{n}")
                        for n in range(BATCH)]
            db.session.add_all([staff, *learners])
            db.session.commit()
            service.create_key("tcr")
            rows = "".join(f"learner{n}@example.nl,TIM-01\n" for n in range(BATCH))
            start = time.perf_counter()
            issued = awarding.award_csv(staff, "tcr", f"email,block\n{rows}".encode())
            elapsed = time.perf_counter() - start
            assert len(issued) == BATCH
            db.session.remove()
            db.engine.dispose()
    return BATCH / elapsed


def main() -> None:
    rows = []
    di_full, di_raw = data_integrity_case()
    rows.append(("eddsa-rdfc-2022, pyld only", *paired(slow(di_full), di_raw)))
    rows.append(("eddsa-rdfc-2022 (Data Integrity)", *paired(di_full, di_raw)))
    jwt_full, jwt_raw = vc_jwt_case()
    rows.append(("VC-JWT (EdDSA)", *paired(jwt_full, jwt_raw)))
    print(f"{'issuing an OB 3.0 credential':34} {'issued/s':>10} {'raw Ed25519 sign/s':>19} "
          f"{'ratio':>8}")
    for name, full, raw in rows:
        print(f"{name:34} {full:10.0f} {raw:19.0f} {raw / full:7.1f}x")
    print("ratio = raw Ed25519 signatures of the same bytes per credential issued "
          "(1.0x = floor), rates per CPU second of the benchmark process;")
    print("'pyld only' is the same issuing with the fast JSON-LD to RDF path switched off")
    name, full, raw = rows[1]
    goal("eddsa-rdfc-2022 issuing vs raw Ed25519 sign", "<= 15x", f"{raw / full:.1f}x",
         raw / full / 15, raw / full <= 15)
    print()
    print(f"end to end, a CSV of {BATCH} completions through the service (SQLite; both forms "
          "signed, dossier copy verified):")
    for proof in documents.PROOFS:
        print(f"  default proof {proof:16} {end_to_end(proof):8.1f} awards/s")


if __name__ == "__main__":
    main()
