"""The confidentiality walk (issue 25): every public page and every file in every format, as an anonymous client,
holds no value of a confidential field of the demo data. The values are collected from the database: risk text,
review comments, narratives and next steps, the commentary of updates not approved (and the spend and risk
commentary of approved ones), maturity assessments, contracts, funding amounts, people's e-mails and the names of
people other than the initiatives' owners, API key prefixes, access logs, and the initiatives that are not public."""

import pytest
from django.test import Client

from contracts.models import Contract
from core.models import PartnerAPIKey, User
from councils.models import Contribution, FundingAgreement, PartnerOrganisation
from initiatives.models import Initiative, ProgressUpdate, Risk
from people.models import AccessEvent
from public import files, selectors
from public.models import Publication
from strategy.models import MaturityAssessment, MaturityDimension, MaturityLevel
from tests.public.walk import walk

pytestmark = pytest.mark.django_db


def _public_values(publication) -> set[str]:
    """Every value the allow-list serves (pages and files): a confidential value that equals one of these (a phrase
    the demo uses for a draft and an approved update alike, an amount equal to a budget) is not a leak."""
    values = set()

    def collect(item):
        if isinstance(item, dict):
            for value in item.values():
                collect(value)
        elif isinstance(item, list):
            for value in item:
                collect(value)
        elif item is not None:
            values.add(str(item))

    collect(publication.data)
    collect(files.read_tables(publication.files))
    return values


def confidential_values() -> dict[str, set[str]]:
    public_ids = set(selectors.public_initiative_ids())
    owners = set(Initiative.objects.filter(pk__in=public_ids).values_list("owner_id", flat=True))
    not_approved = ProgressUpdate.objects.exclude(state=ProgressUpdate.State.APPROVED)
    found = {
        "risk text": {v for r in Risk.objects.all() for v in (r.title, r.description, r.mitigation, r.owner)},
        "review comments": set(ProgressUpdate.objects.values_list("review_comment", flat=True)),
        "narratives": set(ProgressUpdate.objects.values_list("narrative", flat=True))
        | set(ProgressUpdate.objects.values_list("next_steps", flat=True)),
        "unapproved commentary": {v for u in not_approved for v in (
            u.delivery_commentary, u.benefits_commentary, u.spend_commentary, u.risk_commentary)},
        "spend and risk commentary": set(ProgressUpdate.objects.values_list("spend_commentary", flat=True))
        | set(ProgressUpdate.objects.values_list("risk_commentary", flat=True)),
        "maturity": set(MaturityAssessment.objects.values_list("notes", flat=True))
        | set(MaturityLevel.objects.values_list("name", flat=True))
        | set(MaturityDimension.objects.values_list("name", flat=True)),
        "contracts": {v for c in Contract.objects.all() for v in (c.title, c.reference, c.supplier_name, c.notes)},
        "funding amounts": {f"{v}" for v in Contribution.objects.values_list("amount_due", flat=True)}
        | {f"{v}" for v in FundingAgreement.objects.values_list("budget", flat=True)}
        | set(Contribution.objects.values_list("invoice_number", flat=True))
        | set(FundingAgreement.objects.values_list("title", flat=True)),
        "e-mails": set(User.objects.values_list("email", flat=True)),
        "other people": set(User.objects.exclude(pk__in=owners).values_list("full_name", flat=True)),
        "API key prefixes": set(PartnerAPIKey.objects.values_list("prefix", flat=True)),
        "access logs": set(AccessEvent.objects.values_list("email", flat=True)),
        "initiatives not public": {v for i in Initiative.objects.exclude(pk__in=public_ids)
                                   for v in (i.reference + " ", i.reference + "/", i.title, i.summary)},
    }
    publication = Publication.objects.get()
    public = _public_values(publication)
    return {kind: {v for v in values if v and len(v.strip()) >= 4 and v not in public}
            for kind, values in found.items()}


def test_no_confidential_value_in_any_public_byte(demo_data):
    PartnerAPIKey.objects.create_key(name="Walk", partner=PartnerOrganisation.objects.first())
    secrets = confidential_values()
    assert secrets["risk text"] and secrets["e-mails"] and secrets["contracts"] and secrets["funding amounts"]
    assert secrets["initiatives not public"] and secrets["narratives"] and secrets["maturity"]
    pages = walk(Client())
    kinds = {path.rsplit(".", 1)[-1] for path in pages if "/public/data/" in path and "." in path.rsplit("/", 1)[-1]}
    assert {"csv", "xlsx", "json", "jsonld"} <= kinds
    assert any(path.startswith("/public/initiatives/") for path in pages)
    assert any("/public/data/20" in path for path in pages)  # the archived period's own files too
    leaks = [(kind, value[:60], path) for path, (_response, text) in pages.items()
             for kind, values in secrets.items() for value in values if value in text]
    assert not leaks, leaks[:10]


def test_the_walk_would_see_a_leak(demo_data):
    """The same walk finds a risk's words once they reach a public field: the test can fail."""
    risk = Risk.objects.filter(initiative_id__in=selectors.public_initiative_ids()).exclude(description="").first()
    publication = Publication.objects.get()
    data = publication.data
    data["initiatives"][0]["summary"] = risk.description
    Publication.objects.filter(pk=publication.pk).update(data=data, generation=publication.generation + 1)
    pages = walk(Client())
    assert any(risk.description in text for _response, text in pages.values())
