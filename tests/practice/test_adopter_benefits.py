"""Adoption linked to the adopting council's benefits (issue 23): Fife's editor links Fife's own benefits to its use
of Glasgow's playbook, and the asset's page shows them, with what was realised, to whoever may read the benefits
register; another council's benefit cannot be linked, and only the adopting council's editors link any."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from councils.models import Council
from initiatives.models import Benefit, BenefitShare, Initiative
from practice import services
from practice.models import Adoption

from .conftest import FIFE_EDITOR, GLASGOW_EDITOR, HIGHLAND_EDITOR, PARTNER

pytestmark = pytest.mark.django_db


@pytest.fixture
def fife_use(playbook):
    return Adoption.objects.get(asset=playbook, council__gss_code="S12000047")


def benefit_of(gss_code, title, *, shared=False):
    council = Council.objects.get(gss_code=gss_code)
    initiative = Initiative.objects.order_by("reference").first()
    benefit = Benefit.objects.create(initiative=initiative, council=None if shared else council, title=title,
                                     target_value=Decimal("12000"), realised_value=Decimal("4500"))
    if shared:
        BenefitShare.objects.create(benefit=benefit, council=council, percent=Decimal("40"))
    return benefit


def test_the_adopting_councils_editor_links_its_benefits_and_the_asset_page_shows_them(
        client, login_as, playbook, fife_use):
    kept = benefit_of("S12000047", "Fewer council tax calls in Fife")
    shared = benefit_of("S12000047", "Shared saving on the tax portal", shared=True)
    highland = benefit_of("S12000017", "Highland's own saving")
    login_as(FIFE_EDITOR)
    page = client.get(reverse("practice:detail", args=[playbook.pk])).content.decode()
    assert "No adopting council has linked a benefit" in page and "Link our council" in page
    form = client.get(reverse("practice:adoption_benefits", args=[playbook.pk, fife_use.pk])).content.decode()
    assert kept.title in form and shared.title in form and highland.title not in form  # its own benefits only
    response = client.post(reverse("practice:adoption_benefits", args=[playbook.pk, fife_use.pk]),
                           {"benefits": [kept.pk, shared.pk]})
    assert response.status_code == 302
    for email in (HIGHLAND_EDITOR, PARTNER, GLASGOW_EDITOR):  # everyone who may read the register
        login_as(email)
        page = client.get(reverse("practice:detail", args=[playbook.pk])).content.decode()
        section = page.split('id="adopter-benefits"')[1].split("<h2")[0]
        assert kept.title in section and shared.title in section and "£4,500" in section and "£12,000" in section
        assert reverse("benefits:detail", args=[kept.pk]) in section and "Fife" in section
        assert "Link our council" not in page


def test_another_councils_benefit_is_refused(client, login_as, playbook, fife_use, people):
    highland = benefit_of("S12000017", "Highland's own saving")
    login_as(FIFE_EDITOR)
    response = client.post(reverse("practice:adoption_benefits", args=[playbook.pk, fife_use.pk]),
                           {"benefits": [highland.pk]})
    assert response.status_code == 200 and "Error:" in response.content.decode()
    assert not fife_use.benefits.exists()
    with pytest.raises(ValidationError, match="only your own council"):
        services.adoption_benefits_set(user=people[FIFE_EDITOR], adoption=fife_use, benefit_ids=[highland.pk])


@pytest.mark.parametrize("email", [GLASGOW_EDITOR, HIGHLAND_EDITOR, PARTNER])
def test_only_the_adopting_councils_editors_link_its_benefits(client, login_as, playbook, fife_use, people, email):
    kept = benefit_of("S12000047", "Fewer council tax calls in Fife")
    login_as(email)
    url = reverse("practice:adoption_benefits", args=[playbook.pk, fife_use.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"benefits": [kept.pk]}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.adoption_benefits_set(user=people[email], adoption=fife_use, benefit_ids=[kept.pk])
    assert not fife_use.benefits.exists()
