"""The practice library's rules for the authorisation matrix: everyone signed in reads what is published and
searches; a draft is its council's and the office's (others: 404); its council's editors write and submit; the
office reviews (never what its reviewer submitted); another council's editor says "we use this" for their own
council, and the owner confirms. Samples are demo data: Glasgow's playbook and draft, the office's submitted
business case (submitted by the CTO, so the CDO may review it)."""

from django.core.files.base import ContentFile

from practice.models import Adoption, Asset, AssetFile
from tests.authorization.roles import (
    COUNCIL_STAFF,
    DIGITAL_OFFICE,
    EDITORS,
    FORM,
    LEAD,
    OBSERVER,
    PARTNER,
    STAFF,
    UNRELATED,
    VIEWER,
    Page,
    everyone,
    only,
)

OWN_COUNCIL_READS = {(VIEWER, LEAD, STAFF): 200}

EXPECTED = {
    "practice:search": Page(get=everyone()),
    "practice:list": Page(get=everyone()),
    "practice:create": Page(get=only((*EDITORS, STAFF)), post=only((*EDITORS, STAFF), FORM)),
    "practice:review": Page(get=DIGITAL_OFFICE),
    "practice:council": Page(get=everyone()),
    # the sample initiative is Glasgow's: its editors and the office record lessons (an empty form comes back)
    "practice:lessons": Page(get=only((LEAD, STAFF)), post=only((LEAD, STAFF), FORM)),
    "practice:detail": Page(get=OWN_COUNCIL_READS, otherwise=404),
    "practice:edit": Page(get={(LEAD, STAFF): 200, VIEWER: 403}, post={(LEAD, STAFF): FORM, VIEWER: 403},
                          otherwise=404),
    "practice:submit": Page(get=None, post={(LEAD, STAFF): 302, VIEWER: 403}, otherwise=404),
    "practice:retire": Page(get=None, post={(LEAD, STAFF): 302, VIEWER: 403}, otherwise=404),
    "practice:file_add": Page(get={(LEAD, STAFF): 200, VIEWER: 403}, post={(LEAD, STAFF): FORM, VIEWER: 403},
                              otherwise=404),
    "practice:file": Page(get=OWN_COUNCIL_READS, otherwise=404),
    "practice:decide": Page(get={STAFF: 200}, post={STAFF: FORM}, otherwise=404),
    "practice:adopt": Page(get=only((OBSERVER, UNRELATED)), post=only((OBSERVER, UNRELATED), FORM)),
    "practice:confirm": Page(get=None, post=only((LEAD, STAFF), 302)),
    "practice:reconfirm": Page(get=None, post=only(OBSERVER, 302)),  # Fife's own use of the playbook
    # Fife's editor links Fife's own benefits to its use (posted empty, the form comes back)
    "practice:adoption_benefits": Page(get=only(OBSERVER), post=only(OBSERVER, FORM)),
}

# Published assets and their adoptions are open to every person's session, partners' included.
PERSON_SCOPES = {role: {"practice:read"} for role in (*COUNCIL_STAFF, STAFF, PARTNER)}


def world(w):
    draft = Asset.objects.get(title="Microsoft 365 collaboration: call-off specification")  # Glasgow's draft
    kept = AssetFile(asset=draft, title="Specification", content_type="application/pdf", size=9)
    kept.file.save("specification.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    playbook = Asset.objects.get(title="Council tax self-service playbook")  # Glasgow's, published
    return {
        "practice_draft": draft, "practice_file": kept, "practice_playbook": playbook,
        "practice_submitted": Asset.objects.get(title="Shared data platform: outline business case"),
        "practice_unconfirmed": Adoption.objects.get(asset=playbook, council__gss_code="S12000050"),
        "practice_fife_use": Adoption.objects.get(asset=playbook, council__gss_code="S12000047"),
    }


def page_kwargs(name, w):
    playbook = w["practice_playbook"].pk
    if name == "practice:council":
        return {"slug": "glasgow-city"}
    if name == "practice:lessons":
        return {"reference": w["initiative"].reference, "stage": "closed"}
    if name == "practice:file":
        return {"pk": w["practice_draft"].pk, "file_pk": w["practice_file"].pk}
    if name == "practice:decide":
        return {"pk": w["practice_submitted"].pk}
    if name == "practice:adopt":
        return {"pk": playbook}
    if name == "practice:confirm":
        return {"pk": playbook, "adoption_pk": w["practice_unconfirmed"].pk}
    if name in ("practice:reconfirm", "practice:adoption_benefits"):
        return {"pk": playbook, "adoption_pk": w["practice_fife_use"].pk}
    if name in ("practice:detail", "practice:edit", "practice:submit", "practice:retire", "practice:file_add"):
        return {"pk": w["practice_draft"].pk}
    return None


def api_values(w):
    return {"/practice-assets/": w["practice_playbook"].pk, "/practice-adoptions/": w["practice_fife_use"].pk}
