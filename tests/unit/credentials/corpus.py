"""The corpus of third-party credentials in ``tests/fixtures/credentials/corpus`` and how each
one comes out. ``python -m tests.unit.credentials.corpus`` prints the tally.

Each manifest entry names the file, where it comes from and what its maker intends a verifier
to conclude. ``serve`` maps URLs to corpus files for the test fetcher (a status list the
maker ships); ``derive`` applies the change the maker's own tests apply (tampering, removing
the proof). did:web issuers get a DID document written here from the key in the method id,
the shape their host serves, unless ``offline`` is asked for.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eigendossier.credentials import FetchError, VerificationResult, verify_credential

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "credentials" / "corpus"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    name: str
    file: str
    intended: str
    note: str
    serve: dict[str, str]
    derive: dict[str, Any]

    def document(self) -> dict[str, Any]:
        document = json.loads((CORPUS / self.file).read_text(encoding="utf-8"))
        for key, value in self.derive.get("set", {}).items():
            document[key] = value
        for key in self.derive.get("delete", []):
            document.pop(key, None)
        return document


def entries() -> list[Entry]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [
        Entry(
            name=item.get("name") or Path(item["file"]).stem,
            file=item["file"],
            intended=item["intended"],
            note=item.get("note", ""),
            serve=item.get("serve", {}),
            derive=item.get("derive", {}),
        )
        for item in manifest["credentials"]
    ]


def did_web_document(did: str, multikey: str) -> dict[str, Any]:
    method = {
        "id": f"{did}#{multikey}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": multikey,
    }
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
    }


def did_web_url(did: str) -> str:
    parts = did.removeprefix("did:web:").split(":")
    path = "/".join(parts[1:]) if len(parts) > 1 else ".well-known"
    return f"https://{parts[0]}/{path}/did.json"


class CorpusFetcher:
    def __init__(self, entry: Entry, document: dict[str, Any], offline: bool) -> None:
        self.routes: dict[str, bytes] = {
            url: (CORPUS / name).read_bytes() for url, name in entry.serve.items()
        }
        if not offline:
            for proof in _proofs(document):
                method = str(proof.get("verificationMethod", ""))
                if method.startswith("did:web:") and "-bad" not in method:
                    did, _, key = method.partition("#")
                    self.routes[did_web_url(did)] = json.dumps(
                        did_web_document(did, key)
                    ).encode()
        self.requested: list[str] = []

    def __call__(self, url: str) -> tuple[bytes, str]:
        self.requested.append(url)
        if url not in self.routes:
            raise FetchError(url, "404")
        return self.routes[url], "application/json"


def _proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return [p for p in proofs if isinstance(p, dict)]


def run(entry: Entry, *, offline: bool = False) -> VerificationResult:
    document = entry.document()
    fetch = CorpusFetcher(entry, copy.deepcopy(document), offline)
    return verify_credential(json.dumps(document).encode(), fetch=fetch, now=NOW)


def as_intended(entry: Entry, result: VerificationResult) -> bool:
    if entry.intended == "verified":
        return result.status in ("verified", "verified_with_warnings")
    if entry.intended == "proof_valid":
        return result.outcome("proof") == "pass" and result.status != "failed"
    return result.status == entry.intended


def main() -> None:
    good = 0
    all_entries = entries()
    for entry in all_entries:
        try:
            result = run(entry)
            status, ok = result.status, as_intended(entry, result)
            codes = sorted({c.message_code for c in result.checks if c.outcome in ("fail", "warn")})
        except Exception as exc:  # the tally reports every outcome
            status, ok, codes = f"error {type(exc).__name__}", False, [str(exc)[:60]]
        good += ok
        print(f"{'ok ' if ok else 'BAD'} {entry.name:45} {entry.intended:12} {status:24} {codes}")
    print(f"{good} of {len(all_entries)} as their makers intend")


if __name__ == "__main__":
    main()
