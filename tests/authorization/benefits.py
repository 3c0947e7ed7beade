"""The benefits register's rules for the authorisation matrix: everyone signed in reads the register and a benefit;
whoever keeps a benefit (the office, its council's editors taking part) changes its shares and status; a council's
editors report realisations for their own council and confirm their own; only the office marks one audited; an
evidence file is the office's and the benefit's councils' (others: 404). The sample is a benefit of the sample
initiative kept by Glasgow (its lead), whole Glasgow's, with one realisation Glasgow reported, evidence attached."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from initiatives.models import Benefit, BenefitRealisation, BenefitShare
from tests.authorization.roles import FORM, LEAD, STAFF, VIEWER, Page, everyone, only

EXPECTED = {
    "benefits:register": Page(get=everyone(), post=None),
    "benefits:detail": Page(get=everyone(), post=None),
    "benefits:shares": Page(get=only((LEAD, STAFF)), post=only((LEAD, STAFF), FORM)),
    "benefits:status": Page(get=only((LEAD, STAFF)), post=only((LEAD, STAFF), FORM)),
    "benefits:realisation_new": Page(get=only((LEAD, STAFF)), post=only((LEAD, STAFF), FORM)),
    # a council confirms its own (the office does not confirm a council's); the office alone audits
    "benefits:realisation_confirm": Page(get=None, post=only(LEAD, 302)),
    "benefits:realisation_audit": Page(get=None, post=only(STAFF, 302)),
    "benefits:realisation_evidence": Page(get={(VIEWER, LEAD, STAFF): 200}, post=None, otherwise=404),
}


def world(w):
    initiative, glasgow = w["initiative"], w["glasgow"]
    benefit = Benefit.objects.create(initiative=initiative, council=glasgow, title="Sample benefit",
                                     category=Benefit.Category.CASH_RELEASING, target_value=Decimal("1000"))
    BenefitShare.objects.create(benefit=benefit, council=glasgow, percent=Decimal("100"))
    realisation = BenefitRealisation(benefit=benefit, council=glasgow, recorded_on=datetime.date(2026, 4, 1),
                                     value=Decimal("100"), grade=BenefitRealisation.Grade.EVIDENCED,
                                     evidence_note="Finance report", evidence_link="https://example.org/e")
    realisation.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"benefit": benefit, "realisation": realisation}


def page_kwargs(name, w):
    if not name.startswith("benefits:") or name == "benefits:register":
        return None
    if name.startswith("benefits:realisation_") and name != "benefits:realisation_new":
        return {"pk": w["benefit"].pk, "realisation_pk": w["realisation"].pk}
    return {"pk": w["benefit"].pk}
