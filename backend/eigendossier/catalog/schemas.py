from marshmallow import Schema, fields

from eigendossier.core.i18n import localized


class TextSchema(Schema):
    nl = fields.String()
    en = fields.String()


class InstitutionSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    url = fields.String()


class RunSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    block_id = fields.Integer()
    institution = fields.Nested(InstitutionSchema)
    start_date = fields.Date()
    end_date = fields.Date()
    time_of_day = fields.String(metadata={"enum": ["daytime", "evening", "weekend"]})
    weekdays = fields.List(fields.String())
    starts_at = fields.String(metadata={"description": "Local time HH:MM of each session"})
    ends_at = fields.String()
    location_kind = fields.String(
        metadata={"enum": ["school", "company", "community_centre", "home"]})
    address = fields.String()
    learning_form = fields.String(
        metadata={"enum": ["physical", "digital", "self_study", "practical"]})
    seats_total = fields.Integer()
    seats_left = fields.Integer()


class BlockSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.Function(lambda b: localized(b, "name"))
    names = fields.Function(lambda b: {"nl": b.name_nl, "en": b.name_en},
                            metadata={"description": "The name in both languages"})
    ec = fields.Float(metadata={"description": "Study load in EC (1 EC = 28 hours)"})
    hours = fields.Integer()
    position = fields.Integer(metadata={"description": "Place in the carousel's fixed order"})
    learning_outcomes = fields.List(fields.Nested(TextSchema))
    prerequisites = fields.Function(lambda b: [p.id for p in b.prerequisites],
                                    metadata={"description": "Ids of blocks to finish first"})
    exempting_achievements = fields.List(fields.String())


class QualificationSchema(Schema):
    id = fields.Integer()
    crebo = fields.String()
    name = fields.Function(lambda q: localized(q, "name"))
    description = fields.Function(lambda q: localized(q, "description"))
    level = fields.Integer()
    institution = fields.Nested(InstitutionSchema)
    ec = fields.Function(lambda q: float(sum(b.ec for b in q.blocks)))
    block_count = fields.Function(lambda q: len(q.blocks))


class QualificationDetailSchema(QualificationSchema):
    blocks = fields.List(fields.Nested(BlockSchema))


class CarouselBlockSchema(BlockSchema):
    upcoming_runs = fields.List(fields.Nested(RunSchema))


class CarouselSchema(Schema):
    qualification = fields.Nested(QualificationSchema)
    blocks = fields.List(fields.Nested(CarouselBlockSchema))


class ImportReportSchema(Schema):
    created = fields.Dict(keys=fields.String(), values=fields.Integer())
    updated = fields.Dict(keys=fields.String(), values=fields.Integer())
