"""The ``x509_san_dns:`` client id prefix (OpenID4VP 1.0, section 5.9.3): the request object
is signed with the key of the first certificate in its ``x5c`` header; that certificate must
chain to a trust anchor we were given and name the client id's DNS name as a
subjectAltName. Without configured anchors (``OPENID4VP_X509_TRUST_ANCHORS``: a PEM file of
CA certificates, e.g. of a wallet trust framework) no such verifier is trusted: the web's TLS
roots vouch for servers, not for who may ask a learner for proof."""
import base64
import binascii
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from flask import current_app

from eigendossier.credentials.errors import CredentialError
from eigendossier.credentials.keys import PublicKey, from_pem

MAX_CHAIN = 5
MAX_CERTIFICATE = 8 * 1024


class CertificateRefused(Exception):
    """The chain does not hold, or no anchors are configured (the message says which)."""


def _anchors() -> list[x509.Certificate]:
    path = current_app.config.get("OPENID4VP_X509_TRUST_ANCHORS")
    if not path:
        raise CertificateRefused("no trust anchors are configured for x509_san_dns")
    try:
        return x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError):
        raise CertificateRefused("the trust anchors cannot be read") from None


def _chain(x5c) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not 1 <= len(x5c) <= MAX_CHAIN:
        raise CertificateRefused("the request object has no x5c chain")
    out = []
    for entry in x5c:
        if not isinstance(entry, str) or len(entry) > MAX_CERTIFICATE * 2:
            raise CertificateRefused("an x5c entry is not a certificate")
        try:
            out.append(x509.load_der_x509_certificate(base64.b64decode(entry, validate=True)))
        except (binascii.Error, ValueError):
            raise CertificateRefused("an x5c entry is not a certificate") from None
    return out


def signing_key(x5c, dns_name: str) -> PublicKey:
    """The key of the leaf certificate, once its chain and its DNS name hold."""
    anchors = _anchors()
    chain = _chain(x5c)
    try:
        verifier = (PolicyBuilder().store(Store(anchors)).time(datetime.now(UTC))
                    .build_server_verifier(x509.DNSName(dns_name)))
        verifier.verify(chain[0], chain[1:])
    except (VerificationError, ValueError) as error:
        raise CertificateRefused(f"the certificate does not hold ({error})"[:200]) from None
    pem = chain[0].public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        return from_pem(pem.decode("ascii"))
    except CredentialError:
        raise CertificateRefused("the certificate's key type is not supported") from None
