"""The catalogue: qualifications, their blocks in carousel order and upcoming runs."""
from datetime import date
from typing import ClassVar

from flask import jsonify, request
from flask.views import MethodView
from flask_login import current_user, login_required

from eigendossier.catalog import service
from eigendossier.catalog.schemas import (
    CarouselSchema,
    ImportReportSchema,
    QualificationDetailSchema,
    QualificationSchema,
)
from eigendossier.core import access
from eigendossier.core.arguments import Blueprint
from eigendossier.core.caching import public_answer
from eigendossier.core.errors import problem_response

blp = Blueprint("catalog", __name__, url_prefix="/api/v1/catalog",
                description="Qualifications, blocks and runs (the carousel)")

CATALOG_BODY = {
    "required": True,
    "description": "A catalogue document (schemas/catalog.schema.json), as JSON or YAML.",
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/yaml": {"schema": {"type": "object"}},
    },
}


@blp.route("/qualifications")
class Qualifications(MethodView):
    @blp.response(200, QualificationSchema(many=True))
    @public_answer
    def get(self):
        """All qualifications on offer."""
        return service.qualifications()


@blp.route("/qualifications/<int:qualification_id>")
class QualificationDetail(MethodView):
    @blp.response(200, QualificationDetailSchema)
    @problem_response(blp, 404, "No such qualification")
    @public_answer
    def get(self, qualification_id):
        """A qualification with its blocks in carousel order."""
        return service.qualification(qualification_id)


@blp.route("/qualifications/<int:qualification_id>/carousel")
class Carousel(MethodView):
    @blp.response(200, CarouselSchema)
    @problem_response(blp, 404, "No such qualification")
    @public_answer
    def get(self, qualification_id):
        """The blocks in their fixed order, each with its runs that have not started yet."""
        blocks = service.carousel(qualification_id, date.today())
        return {
            "qualification": service.qualification(qualification_id),
            "blocks": [_with_runs(block, runs) for block, runs in blocks],
        }


def _with_runs(block, runs):
    block.upcoming_runs = runs
    return block


@blp.route("")
class CatalogDocument(MethodView):
    decorators: ClassVar = [login_required]

    @blp.doc(requestBody=CATALOG_BODY)
    @blp.response(200, ImportReportSchema)
    @problem_response(blp, 403, "Not staff, or the document touches another institution's "
                      "qualifications, blocks or runs; nothing was imported")
    @problem_response(blp, 422, "The document has errors; nothing was imported")
    def put(self):
        """Import a catalogue document, all or nothing (staff: their own institution only)."""
        only = access.acting_for(current_user)
        return service.import_catalog(request.get_data(), only_institution=only)

    @blp.response(200, {"type": "object"}, description="A catalogue document")
    @problem_response(blp, 403, "Only staff export the catalogue")
    def get(self):
        """Export the whole catalogue as a document that imports back unchanged (staff)."""
        access.require_staff(current_user)
        # A response, not a dict: the schema above documents it, it cannot dump it.
        return jsonify(service.export_catalog())
