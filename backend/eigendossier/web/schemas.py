from marshmallow import Schema, fields


class OidcProviderSchema(Schema):
    name = fields.String()
    label = fields.String()
    login_url = fields.String()


class MetaSchema(Schema):
    version = fields.String()
    features = fields.List(fields.String(), metadata={"description": "Features with a PWA tab"})
    oidc_providers = fields.List(fields.Nested(OidcProviderSchema))
