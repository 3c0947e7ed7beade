import datetime

import pytest

from core.models import User
from councils.models import Council
from practice.models import Asset
from tests.conftest import signed_in_with_two_factor

CDO = "cdo@demo.digitaloffice.scot"
CTO = "cto@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"
HIGHLAND_EDITOR = "editor@highland.demo.digitaloffice.scot"
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"


@pytest.fixture
def people(demo_data):
    found = {u.email: u for u in User.objects.filter(email__in=[CDO, CTO, GLASGOW_EDITOR, GLASGOW_VIEWER, FIFE_EDITOR,
                                                                 HIGHLAND_EDITOR, PARTNER])}
    for email in (CDO, CTO):
        signed_in_with_two_factor(found[email])
    return found


@pytest.fixture
def glasgow(db):
    return Council.objects.get(gss_code="S12000049")


@pytest.fixture
def playbook(demo_data):
    return Asset.objects.get(title="Council tax self-service playbook")


@pytest.fixture
def next_year():
    return datetime.date.today() + datetime.timedelta(days=365)
