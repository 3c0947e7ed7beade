"""The contracts register's rules for the authorisation matrix: council staff read their own council's contracts, its
editors change them, the office every council's; the sector view (what is bought, not by whom) is open to all."""

from django.core.files.base import ContentFile

from contracts.models import Contract, ContractDocument
from tests.authorization.roles import (
    COUNCIL_STAFF,
    DIGITAL_OFFICE,
    EDITORS,
    FORM,
    LEAD,
    OBSERVER,
    STAFF,
    UNRELATED,
    VIEWER,
    Api,
    Page,
    everyone,
    only,
)

# A council's contracts are its own and the office's (the sample is Glasgow's: its viewer reads it and may not change
# it, other councils and partners find nothing); the radar is the office's.
EXPECTED = {
    "contracts:list": Page(get=only((*COUNCIL_STAFF, STAFF))),
    "contracts:create": Page(get=only((*EDITORS, STAFF)), post=only((*EDITORS, STAFF), FORM)),
    "contracts:radar": Page(get=DIGITAL_OFFICE),
    "contracts:draft": Page(get=None, post=only(STAFF, 302)),  # no candidate posted: back to the radar
    "contracts:sector": Page(get=everyone()),
    "contracts:import": Page(get=only((*EDITORS, STAFF)), post=only((*EDITORS, STAFF), FORM)),
    "contracts:import_preview": Page(get=only((*EDITORS, STAFF), 302), post=only((*EDITORS, STAFF), 302)),
    "contracts:import_template": Page(get=only((*EDITORS, STAFF))),
    "contracts:detail": Page(get={(VIEWER, LEAD, STAFF): 200}, otherwise=404),
    "contracts:edit": Page(get={(LEAD, STAFF): 200, VIEWER: 403}, post={(LEAD, STAFF): FORM, VIEWER: 403},
                           otherwise=404),
    "contracts:decide": Page(get={(LEAD, STAFF): 200, VIEWER: 403}, post={(LEAD, STAFF): FORM, VIEWER: 403},
                             otherwise=404),
    "contracts:use_add": Page(get={(LEAD, STAFF): 200, VIEWER: 403}, post={(LEAD, STAFF): FORM, VIEWER: 403},
                              otherwise=404),
    "contracts:document_add": Page(get={(LEAD, STAFF): 200, VIEWER: 403}, post={(LEAD, STAFF): FORM, VIEWER: 403},
                                   otherwise=404),
    "contracts:document": Page(get={(VIEWER, LEAD, STAFF): 200}, otherwise=404),
}

API_EXCEPTIONS = {
    # another council's contract is not found (a partner user never reads contracts: no scope)
    ("GET", "/api/v1/contracts/{id}/"): Api(people={OBSERVER: 404, UNRELATED: 404}),
}


def world(w):
    contract = Contract.objects.get(reference="GCC-ICT-0141")  # Glasgow's (demo data)
    document = ContractDocument(contract=contract, title="Signed", content_type="application/pdf", size=9)
    document.file.save("signed.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"contract": contract, "document": document}


def page_kwargs(name, w):
    if name == "contracts:document":
        return {"pk": w["contract"].pk, "document_pk": w["document"].pk}
    if name.startswith("contracts:") and name in EXPECTED and name not in NO_ARGUMENTS:
        return {"pk": w["contract"].pk}
    return None


NO_ARGUMENTS = {"contracts:list", "contracts:create", "contracts:radar", "contracts:draft", "contracts:sector",
                "contracts:import", "contracts:import_preview", "contracts:import_template"}


def api_values(w):
    return {"/contracts/": w["contract"].pk}
