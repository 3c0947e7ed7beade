import pytest
from django.db.models import Count, Q

from core.models import User
from initiatives.models import Initiative, ProgressUpdate, ReportingPeriod

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"
HIGHLAND_EDITOR = "editor@highland.demo.digitaloffice.scot"
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"


def person(email):
    return User.objects.get(email=email)


@pytest.fixture
def shared(demo_data):
    """A demo initiative Glasgow and Fife both take part in, and Highland does not."""
    glasgow, fife, highland = (person(e).council_id for e in (GLASGOW_EDITOR, FIFE_EDITOR, HIGHLAND_EDITOR))
    return (Initiative.objects.annotate(
        both=Count("participations", filter=Q(participations__council__in=[glasgow, fife])),
        highland=Count("participations", filter=Q(participations__council=highland)),
    ).filter(both=2, highland=0).order_by("reference").first())


@pytest.fixture
def draft(shared):
    """A draft update of `shared` (the conversation on it is for its councils and the office)."""
    update = ProgressUpdate.objects.filter(initiative=shared).exclude(state="approved").first()
    if update is None:
        used = ProgressUpdate.objects.filter(initiative=shared).values("period_id")
        period = ReportingPeriod.objects.exclude(pk__in=used).order_by("-starts_on").first()
        update = ProgressUpdate.objects.create(
            initiative=shared, period=period, council=shared.lead_council, state="draft", rag_delivery="green",
            rag_spend="green", rag_benefits="green", rag_risk="green", percent_complete=10, spend_to_date=0)
    return update
