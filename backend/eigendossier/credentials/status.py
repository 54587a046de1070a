"""Revocation: Bitstring Status List, StatusList2021, 1EdTech revocation list (OB 3.0) and the
OB 2.0 ``RevocationList``.

Status list credentials are fetched through the injected fetcher; their own Data Integrity
proof is verified, otherwise a list could be forged by anyone able to serve a URL. A list
issued by someone other than the credential's issuer is still read (the issuer named its URL
in the signed credential) with a warning. A list that cannot be fetched or trusted leaves the
status undetermined (``skipped``, the credential is unverifiable): it may well be fine.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Callable
from typing import Any

from . import checks as c
from .errors import CredentialError, FetchError
from .keys import b64url_decode, b64url_encode
from .limits import Limits
from .model import Check

BITSTRING_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry")
LIST_TYPES = ("BitstringStatusList", "StatusList2021")
REVOCATION_PURPOSES = ("revocation", "suspension")

# verify_list(credential) -> issuer id of the list if its proof verifies, else raises
ListVerifier = Callable[[dict[str, Any]], str | None]


def _entries(credential: dict[str, Any]) -> list[dict[str, Any]]:
    status = credential.get("credentialStatus")
    entries = status if isinstance(status, list) else [status] if status else []
    return [e for e in entries if isinstance(e, dict)]


def check_vc_status(
    credential: dict[str, Any],
    fetch_json: Callable[[Any], Any],
    verify_list: ListVerifier,
    limits: Limits,
) -> list[Check]:
    """Revocation checks of a VC; a single ``skipped`` check when it declares no status."""
    entries = _entries(credential)
    if not entries:
        return [c.skipped("revocation", "revocation.none", "The credential declares no status.")]
    return [
        check
        for entry in entries
        for check in _check_entry(credential, entry, fetch_json, verify_list, limits)
    ]


def _check_entry(
    credential: dict[str, Any],
    entry: dict[str, Any],
    fetch_json: Callable[[Any], Any],
    verify_list: ListVerifier,
    limits: Limits,
) -> list[Check]:
    kind = entry.get("type")
    try:
        if kind in BITSTRING_TYPES:
            return _bitstring(credential, entry, fetch_json, verify_list, limits)
        if kind == "1EdTechRevocationList":
            return [_one_edtech_list(credential, entry, fetch_json)]
    except FetchError as exc:
        return [
            c.skipped(
                "revocation",
                "revocation.unavailable",
                "The status list could not be fetched, so revocation could not be checked.",
                url=exc.url,
            )
        ]
    except CredentialError as exc:
        return [c.from_error("revocation", exc, "skipped")]
    return [
        c.warned(
            "revocation",
            "revocation.unsupported_type",
            f"Status type {kind} is not supported.",
            type=str(kind),
        )
    ]


def _bitstring(
    credential: dict[str, Any],
    entry: dict[str, Any],
    fetch_json: Callable[[Any], Any],
    verify_list: ListVerifier,
    limits: Limits,
) -> list[Check]:
    url = entry.get("statusListCredential")
    index = _index(entry.get("statusListIndex"))
    purpose = entry.get("statusPurpose", "revocation")
    list_vc = fetch_json(url)
    notes = _trust_list(credential, list_vc, verify_list)
    bits = decode_bitstring(_encoded_list(list_vc, purpose), limits)
    if index >= len(bits) * 8:
        raise CredentialError("revocation.index_out_of_range", "Status index outside the list.")
    if bit_is_set(bits, index) and purpose in REVOCATION_PURPOSES:
        return [
            *notes,
            c.failed(
                "revocation",
                f"revocation.{'revoked' if purpose == 'revocation' else 'suspended'}",
                f"The issuer has marked this credential as {purpose}.",
                purpose=purpose,
                url=url,
            ),
        ]
    return [
        *notes,
        c.passed(
            "revocation",
            "revocation.not_revoked",
            "Not revoked according to the status list.",
            url=url,
        ),
    ]


def _index(value: Any) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError) as exc:
        raise CredentialError(
            "revocation.entry_invalid", "statusListIndex is not a number."
        ) from exc
    if index < 0:
        raise CredentialError("revocation.entry_invalid", "statusListIndex is negative.")
    return index


def _trust_list(
    credential: dict[str, Any], list_vc: Any, verify_list: ListVerifier
) -> list[Check]:
    if not isinstance(list_vc, dict):
        raise CredentialError("revocation.list_invalid", "The status list is not a credential.")
    list_issuer = verify_list(list_vc)
    if list_issuer != issuer_id(credential):
        return [
            c.warned(
                "revocation",
                "revocation.list_issuer_mismatch",
                "The status list was issued by someone other than the credential's issuer.",
                list_issuer=str(list_issuer),
            )
        ]
    return []


def _encoded_list(list_vc: dict[str, Any], purpose: str) -> str:
    subject = list_vc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") not in LIST_TYPES:
        raise CredentialError("revocation.list_invalid", "Not a status list credential.")
    if subject.get("statusPurpose", purpose) != purpose:
        raise CredentialError("revocation.list_invalid", "Status list purpose differs.")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise CredentialError("revocation.list_invalid", "The status list has no encodedList.")
    return encoded


def decode_bitstring(encoded: str, limits: Limits) -> bytes:
    """GZIP-compressed bitstring; multibase base64url (``u…``, Bitstring Status List) or plain
    base64url (StatusList2021). Inflation is capped."""
    try:
        raw = b64url_decode(encoded[1:] if encoded.startswith("u") else encoded)
    except ValueError:
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CredentialError("revocation.list_invalid", "encodedList is not base64.") from exc
    return _gunzip(raw, limits.max_status_list_bits // 8)


def _gunzip(raw: bytes, cap: int) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(raw, cap)
    except zlib.error as exc:
        raise CredentialError("revocation.list_invalid", "encodedList is not GZIP.") from exc
    if inflater.unconsumed_tail:
        raise CredentialError("revocation.list_too_large", "The status list is too large.")
    return out


def bit_is_set(bits: bytes, index: int) -> bool:
    """Index 0 is the left-most (most significant) bit of the first byte."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_bitstring(bits: bytes) -> str:
    """The multibase form of a bitstring, for issuers and tests."""
    return "u" + b64url_encode(gzip.compress(bits))


def _one_edtech_list(
    credential: dict[str, Any], entry: dict[str, Any], fetch_json: Callable[[Any], Any]
) -> Check:
    document = fetch_json(entry.get("id"))
    revoked = document.get("revokedCredentials", []) if isinstance(document, dict) else []
    if _listed(credential.get("id"), revoked):
        return c.failed("revocation", "revocation.revoked", "The issuer revoked this credential.")
    return c.passed("revocation", "revocation.not_revoked", "Not on the issuer's revocation list.")


def _listed(credential_id: Any, revoked: Any) -> bool:
    for item in revoked if isinstance(revoked, list) else []:
        item_id = item.get("id") if isinstance(item, dict) else item
        flag = item.get("revoked", True) if isinstance(item, dict) else True
        if credential_id and item_id == credential_id and flag is not False:
            return True
    return False


def issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def check_ob2_revocation(assertion_id: str, revocation_list: Any) -> Check:
    """OB 2.0: is the assertion's id on the issuer's ``RevocationList``?"""
    revoked = (
        revocation_list.get("revokedAssertions", []) if isinstance(revocation_list, dict) else []
    )
    for item in revoked if isinstance(revoked, list) else []:
        item_id = item.get("id") if isinstance(item, dict) else item
        if item_id and item_id == assertion_id:
            reason = item.get("revocationReason") if isinstance(item, dict) else None
            return c.failed(
                "revocation",
                "revocation.revoked",
                "The issuer revoked this badge.",
                reason=reason or "",
            )
    return c.passed("revocation", "revocation.not_revoked", "Not on the issuer's revocation list.")
