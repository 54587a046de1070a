"""Keys, issuers and credentials made on the spot for the unit tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from eigendossier.credentials import FetchError, dataintegrity
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.keys import PublicKey, b64url_encode

NOW = datetime(2025, 6, 1, tzinfo=UTC)
VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


class Fetcher:
    """URL → JSON object / bytes; records requests; unknown URLs fail like a 404."""

    def __init__(self, routes: Mapping[str, Any] | None = None) -> None:
        self.routes = dict(routes or {})
        self.requested: list[str] = []

    def __call__(self, url: str) -> tuple[bytes, str]:
        self.requested.append(url)
        if url not in self.routes:
            raise FetchError(url, "404")
        body = self.routes[url]
        return (body if isinstance(body, bytes) else json.dumps(body).encode()), "application/json"


class Issuer:
    """An Ed25519 issuer identified by did:key (or by any id given)."""

    def __init__(self, issuer_id: str | None = None, curve: str = "Ed25519") -> None:
        if curve == "Ed25519":
            self.private = ed25519.Ed25519PrivateKey.generate()
            self.public = PublicKey("Ed25519", self.private.public_key())
        else:
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.public = PublicKey("P-256", self.private.public_key())
        self.multikey = self.public.to_multikey()
        self.did = f"did:key:{self.multikey}"
        self.id = issuer_id or self.did
        self.method = f"{self.did}#{self.multikey}"

    def jwk(self) -> dict[str, str]:
        raw = self.public.key.public_bytes_raw() if self.public.kind == "Ed25519" else None
        if raw is not None:
            return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
        numbers = self.public.key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big")),
        }

    def sign_di(self, document: dict[str, Any], method: str | None = None) -> dict[str, Any]:
        return dataintegrity.sign(
            document, self.private, method or self.method, "2024-01-01T00:00:00Z"
        )

    def sign_jwt(self, payload: dict[str, Any], header: dict[str, Any]) -> str:
        alg = "EdDSA" if self.public.kind == "Ed25519" else "ES256"
        return sign_compact({"alg": alg, **header}, json.dumps(payload).encode(), self.private)


def badge(issuer_id: str, **extra: Any) -> dict[str, Any]:
    """An unsigned OB 3.0 OpenBadgeCredential (VC 2.0) with edubadges-style fields."""
    document = {
        "@context": [VC2, OB3],
        "id": "urn:uuid:6d0a3a1e-4c8a-4c69-9f2d-0f0d5e0c9a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "ROC Voorbeeld"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Basis veiligheid VCA",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://roc.example/achievements/vca",
                "type": ["Achievement"],
                "name": "Basis veiligheid VCA",
                "description": "Werkt veilig op de bouwplaats.",
                "criteria": {"narrative": "Examen behaald."},
                "creditsAvailable": 2.5,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "NLQF 3",
                        "targetFramework": "NLQF",
                        "targetCode": "3",
                        "targetUrl": "https://nlqf.nl/",
                    }
                ],
            },
        },
    }
    document.update(extra)
    return document
