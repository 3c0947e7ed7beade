"""Bulk exports' rules for the authorisation matrix: made for partner keys with a read scope (202 for a request;
the organisation's keys see its exports), never for a session (403); a file asked for without naming it is a
400. Which tables a key may have is tests/bulk_export/test_api.py's."""

from bulk_export.models import BulkExport
from councils.models import PartnerOrganisation
from tests.authorization.roles import READ_KEYS, SIGNED_IN, Api

API_EXCEPTIONS = {
    ("POST", "/api/v1/exports/"): Api(ok=202, people=dict.fromkeys(SIGNED_IN, 403),
                                      keys=dict.fromkeys(READ_KEYS, 202)),
    ("GET", "/api/v1/exports/{id}/"): Api(people=dict.fromkeys(SIGNED_IN, 403), keys=dict.fromkeys(READ_KEYS, 200)),
    ("GET", "/api/v1/exports/{id}/file/"): Api(ok=400, people=dict.fromkeys(SIGNED_IN, 403),
                                               keys=dict.fromkeys(READ_KEYS, 400)),
}


def world(w):
    partner = PartnerOrganisation.objects.get(slug="scottish-government")  # the matrix's keys are its
    return {"export": BulkExport.objects.create(partner=partner, status=BulkExport.Status.READY, tables=[],
                                                base_url="http://testserver/")}


def api_values(w):
    return {"/exports/": w["export"].pk}
