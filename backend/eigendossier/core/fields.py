"""Marshmallow fields shared by every domain's schemas."""
from datetime import UTC

from marshmallow import fields


class UTCDateTime(fields.DateTime):
    """A stored moment, sent with its offset so clients show it in their own zone. Moments
    from the database are aware already; a naive one (from a parsed credential) means UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
