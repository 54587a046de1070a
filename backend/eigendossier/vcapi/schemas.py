"""The VC-API's request and response shapes (W3C CCG VC-API, verifier)."""
from marshmallow import EXCLUDE, Schema, fields


class VcApiVerifyOptionsSchema(Schema):
    """Options of a verification; options this server does not know are ignored."""

    class Meta:
        unknown = EXCLUDE

    checks = fields.List(fields.String(), metadata={
        "description": "The checks that must hold (proof, issuer, validity, credentialStatus, "
                       "format, schema); all of them when not given"})
    challenge = fields.String(metadata={"description": "The challenge the presentation's "
                                                       "proof must carry"})
    domain = fields.String(metadata={"description": "The domain the presentation's proof "
                                                    "must carry"})


class VerifyCredentialInputSchema(Schema):
    verifiableCredential = fields.Raw(required=True, metadata={
        "description": "A credential with a Data Integrity proof, an "
                       "EnvelopedVerifiableCredential holding a VC-JWT, or a compact VC-JWT"})
    options = fields.Nested(VcApiVerifyOptionsSchema, load_default=dict)


class VerifyPresentationInputSchema(Schema):
    verifiablePresentation = fields.Raw(required=True, metadata={
        "description": "A presentation, signed with a Data Integrity proof or unsigned"})
    options = fields.Nested(VcApiVerifyOptionsSchema, load_default=dict)


class VcApiCheckProblemSchema(Schema):
    type = fields.String(metadata={"description": "Stable URI of the kind of finding"})
    title = fields.String(metadata={"description": "The finding in the request's language"})
    detail = fields.String()
    check = fields.String(metadata={"description": "The check it belongs to"})


class VcApiVerificationSchema(Schema):
    """``{checks, warnings, errors}`` (VC-API), with ``verified`` and our own ``verdict``:
    verified, verified_with_warnings, failed, revoked, expired or unverifiable."""

    verified = fields.Boolean()
    verdict = fields.String(attribute="status")
    checks = fields.List(fields.String(), metadata={"description": "The checks that held"})
    warnings = fields.List(fields.Nested(VcApiCheckProblemSchema))
    errors = fields.List(fields.Nested(VcApiCheckProblemSchema))


class VcApiIssueOptionsSchema(Schema):
    """Which proof to make; options this server does not know are ignored."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(metadata={"description": "DataIntegrityProof (default) or VC-JWT"})
    cryptosuite = fields.String(metadata={
        "description": "eddsa-rdfc-2022 (default) or eddsa-jcs-2022"})


class VcApiIssueInputSchema(Schema):
    credential = fields.Raw(required=True, metadata={
        "description": "The credential to sign (VC 1.1 or 2.0), issuer = the institution's "
                       "did:web or did:key"})
    options = fields.Nested(VcApiIssueOptionsSchema, load_default=dict)


class VcApiIssuedSchema(Schema):
    verifiableCredential = fields.Raw(metadata={
        "description": "The signed credential (VC-JWT: an EnvelopedVerifiableCredential)"})
