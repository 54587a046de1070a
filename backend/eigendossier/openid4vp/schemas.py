"""The wallet's API contract: open an employer's request, answer or decline it, list what was
sent."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from eigendossier.core.fields import UTCDateTime

ID = fields.Integer(strict=True, validate=validate.Range(min=1))


class OpenRequestInputSchema(Schema):
    link = fields.String(required=True, validate=validate.Length(min=1, max=8192),
                         metadata={"description": "The openid4vp:// link (pasted or scanned)"})


class AskSchema(Schema):
    id = fields.String(metadata={"description": "The DCQL credential query id"})
    format = fields.String(metadata={"description": "ldp_vc, jwt_vc_json or dc+sd-jwt"})
    types = fields.List(fields.String())
    withholdable = fields.List(fields.String(), metadata={
        "description": "Of an SD-JWT query: ids of the claims asked that the learner may "
                       "withhold (answer.withhold) and still answer"})
    values = fields.List(fields.String(), metadata={"description": "Asked values, e.g. an "
                                                                   "achievement's name"})


class CandidateSchema(Schema):
    credential_id = fields.Integer()
    title = fields.String()
    issuer_name = fields.String()
    status = fields.String()
    query_id = fields.String()


class OpenedRequestSchema(Schema):
    handle = fields.String(metadata={"description": "Send back to answer (10 minutes)"})
    client_id = fields.String()
    verifier_host = fields.String(metadata={"description": "Checked: the host of the "
                                            "verifier's did:web or redirect URI; empty if "
                                            "unknown"})
    verifier_name = fields.String(metadata={"description": "Unchecked: the name the "
                                            "verifier gives itself"})
    response_host = fields.String(metadata={"description": "Where the answer is sent"})
    asks = fields.List(fields.Nested(AskSchema))
    candidates = fields.List(fields.Nested(CandidateSchema))


class AnswerInputSchema(Schema):
    handle = fields.String(required=True, validate=validate.Length(min=1, max=32768))
    credential_ids = fields.List(ID, required=True, validate=validate.Length(
        min=1, max=10, error=_l("Choose 1 to 10 credentials.")))
    consent = fields.Boolean(required=True, metadata={
        "description": "The learner confirmed showing these credentials"})
    withhold = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                           load_default=list, validate=validate.Length(max=20), metadata={
        "description": "Claim ids of the query (e.g. grade) the learner does not show from an "
                       "SD-JWT credential; the verifier sees them as withheld"})


class DeclineInputSchema(Schema):
    handle = fields.String(required=True, validate=validate.Length(min=1, max=32768))


class SentSchema(Schema):
    id = fields.Integer()
    client_id = fields.String()
    verifier_name = fields.String()
    response_host = fields.String()
    credential_ids = fields.List(fields.Integer())
    sent_at = UTCDateTime()
