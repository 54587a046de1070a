"""The issuing API's contract: issuer profile, achievements, awards, issued credentials."""
from marshmallow import Schema, fields, validate

from eigendossier.core.fields import UTCDateTime
from eigendossier.core.i18n import localized
from eigendossier.issuing.models import ASSESSMENT_TYPES


class IssuerKeySchema(Schema):
    id = fields.Function(lambda key: f"{key.profile.did}#{key.fragment}",
                         metadata={"description": "Verification method id in the DID document"})
    public_multikey = fields.String()
    created_at = UTCDateTime()


class IssuerProfileSchema(Schema):
    """The institution as an issuer; name and URL come from the catalogue."""

    did = fields.String(metadata={"description": "did:web identifier of the issuer"})
    name = fields.Function(lambda p: p.institution.name)
    url = fields.Function(lambda p: p.institution.url)
    email = fields.String()
    image_url = fields.String(metadata={"description": "Logo (https URL)"})
    base_url = fields.String()
    keys = fields.List(fields.Nested(IssuerKeySchema),
                       metadata={"description": "Signing keys, oldest first; the last signs"})


class IssuerProfileUpdateSchema(Schema):
    email = fields.Email(validate=validate.Length(max=254))
    image_url = fields.Url(schemes={"https"}, validate=validate.Length(max=500))


class IssuingAchievementInputSchema(Schema):
    """Texts beyond the catalogue; an empty text falls back to one made from the block."""

    description_nl = fields.String(validate=validate.Length(max=2000))
    description_en = fields.String(validate=validate.Length(max=2000))
    criteria_nl = fields.String(validate=validate.Length(max=4000))
    criteria_en = fields.String(validate=validate.Length(max=4000))
    assessment_type = fields.String(validate=validate.OneOf(ASSESSMENT_TYPES))


class IssuingAchievementSchema(Schema):
    block_id = fields.Function(lambda v: v.block.id)
    code = fields.Function(lambda v: v.block.code)
    crebo = fields.Function(lambda v: v.block.qualification.crebo)
    ec = fields.Function(lambda v: float(v.block.ec))
    hours = fields.Function(lambda v: v.block.hours)
    assessment_type = fields.Function(
        lambda v: v.text.assessment_type if v.text else ASSESSMENT_TYPES[0])
    document = fields.Dict(metadata={"description": "The OB 3.0 Achievement (Dutch edition)"})


PROOFS = ("eddsa-rdfc-2022", "vc-jwt", "dc+sd-jwt")


class AwardSchema(Schema):
    block_id = fields.Integer(required=True)
    email = fields.Email(required=True, metadata={"description": "The learner's account address"})
    completed_on = fields.Date(load_default=None)
    proof = fields.String(load_default=None, validate=validate.OneOf(PROOFS), metadata={
        "description": "The form in the learner's dossier (default: the installation's); "
                       "dc+sd-jwt lets the learner withhold the name, birth date, completion "
                       "date, grade and evidence when sharing"})
    grade = fields.String(load_default=None, validate=validate.Length(1, 20))
    birth_date = fields.Date(load_default=None)
    evidence = fields.List(fields.String(validate=validate.Length(1, 300)), load_default=None,
                           validate=validate.Length(max=10),
                           metadata={"description": "Names or addresses of the work assessed"})


class AwardCsvQuerySchema(Schema):
    proof = fields.String(load_default=None, validate=validate.OneOf(PROOFS), metadata={
        "description": "The form of every credential of the batch in the learners' dossiers "
                       "(default: the installation's); dc+sd-jwt (write %2B for the +) lets "
                       "each learner withhold their name and completion date when sharing"})


class IssuedSchema(Schema):
    id = fields.Integer()
    credential_id = fields.String(attribute="uuid", metadata={"description": "urn:uuid: of it"})
    learner = fields.Function(lambda row: row.account.email if row.account else None,
                              metadata={"type": ["string", "null"]})
    achievement_id = fields.String()
    achievement_name = fields.String()
    block_id = fields.Integer(allow_none=True)
    proof = fields.String(metadata={"enum": ["eddsa-rdfc-2022", "vc-jwt", "dc+sd-jwt"],
                                    "description": "The form in the learner's dossier"})
    issued_at = UTCDateTime()
    revoked_at = UTCDateTime(allow_none=True)
    revocation_reason = fields.String()
    status_list = fields.Function(lambda row: row.status_list.url)
    status_index = fields.Integer()


class BatchResultSchema(Schema):
    count = fields.Integer()
    credentials = fields.List(fields.Nested(IssuedSchema))


class RevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class DownloadQuerySchema(Schema):
    form = fields.String(load_default="json",
                         validate=validate.OneOf(["json", "jwt", "png", "svg"]))


class IssuedToLearnerSchema(Schema):
    """What the learner's dossier view needs to offer downloads of an issued credential."""

    credential_id = fields.Integer()
    downloads = fields.Dict(keys=fields.String(), values=fields.String())


class BlockToGoSchema(Schema):
    id = fields.Integer(attribute="block.id")
    code = fields.String(attribute="block.code")
    name = fields.Method("_name")
    ec = fields.Float(attribute="block.ec")
    next_start = fields.Date(allow_none=True, metadata={
        "description": "The first start date of a run of this block from today; null when "
                       "none is planned."})

    def _name(self, item):
        return localized(item.block, "name")


class BlockDoneSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.Method("_name")
    ec = fields.Float()

    def _name(self, block):
        return localized(block, "name")


class ProgressSchema(Schema):
    qualification_id = fields.Integer(attribute="qualification.id")
    qualification = fields.Method("_qualification")
    crebo = fields.String(attribute="qualification.crebo")
    ec_done = fields.Float()
    ec_total = fields.Float()
    done = fields.List(fields.Nested(BlockDoneSchema))
    to_go = fields.List(fields.Nested(BlockToGoSchema))

    def _qualification(self, progress):
        return localized(progress.qualification, "name")
