"""The OpenID4VCI API's contract: offering an award (staff) and receiving an offer (learner).
The protocol endpoints themselves (metadata, token, nonce, credential) speak the
specification's JSON and are not described here."""
from marshmallow import Schema, fields, validate

from eigendossier.core.fields import UTCDateTime

LINK = validate.Length(min=1, max=16 * 1024)


class OfferInputSchema(Schema):
    tx_code = fields.Boolean(load_default=True, metadata={
        "description": "Guard the offer with a 6-digit transaction code, mailed to the learner "
                       "separately (default true)"})


class OfferCreatedSchema(Schema):
    offer_uri = fields.String(metadata={
        "description": "openid-credential-offer://?credential_offer_uri=… (also mailed to the "
                       "learner)"})
    qr_svg = fields.String(metadata={"description": "The offer link as an SVG QR code"})
    expires_at = UTCDateTime()
    tx_code_required = fields.Boolean()


class OfferLinkSchema(Schema):
    link = fields.String(required=True, validate=LINK, metadata={
        "description": "openid-credential-offer://?credential_offer=… or "
                       "…?credential_offer_uri=…"})


class AcceptSchema(OfferLinkSchema):
    tx_code = fields.String(load_default=None, validate=validate.Length(max=64), metadata={
        "description": "The transaction code the issuer sent separately, when the offer "
                       "needs one"})


class OfferedIssuerSchema(Schema):
    id = fields.String(metadata={"description": "The Credential Issuer Identifier"})
    name = fields.String()


class OfferedCredentialSchema(Schema):
    id = fields.String(metadata={"description": "credential_configuration_id"})
    name = fields.String()
    format = fields.String()
    supported = fields.Boolean(metadata={"description": "The one this dossier will take"})


class TxCodeSchema(Schema):
    input_mode = fields.String(metadata={"enum": ["numeric", "text"]})
    length = fields.Integer(allow_none=True)
    description = fields.String()


class OfferPreviewSchema(Schema):
    issuer = fields.Nested(OfferedIssuerSchema)
    credentials = fields.List(fields.Nested(OfferedCredentialSchema))
    tx_code = fields.Nested(TxCodeSchema, allow_none=True, metadata={
        "description": "Present when the issuer asks for a transaction code"})
    pre_authorized = fields.Boolean()


class AuthorizationStartSchema(Schema):
    authorization_url = fields.String(metadata={
        "description": "Send the learner's browser here to sign in at the issuer"})
