"""In a real browser, with axe on every page: Digital Office staff invite a council editor; the e-mail arrives with
its link; the person accepts, chooses a password and lands on their home page; the people pages, the access record
and a refused link are checked on the way."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"
PASSWORD = "a-long-and-private-passphrase"


def test_invite_accept_set_password_and_land_on_the_right_home(visitor):
    from core.models import User
    from councils.models import Council
    from people.models import Invitation

    glasgow = Council.objects.get(gss_code="S12000049")
    visitor.login(CDO)
    visitor.goto("/people/")
    visitor.check_accessibility("people index")

    visitor.page.get_by_role("link", name="Invite a person").first.click()
    visitor.page.wait_for_url("**/people/invite/")
    visitor.page.locator("main form button[type=submit]").click()  # nothing filled in
    assert visitor.page.locator("#error-summary").is_visible()
    visitor.check_accessibility("invitation form with errors")

    visitor.page.fill("#id_email", "Isla.Editor@glasgow.example.gov.uk")
    visitor.page.fill("#id_full_name", "Isla Editor")
    visitor.page.locator("label.ds_radio__label", has_text="Council editor").click()
    visitor.page.select_option("#id_council", str(glasgow.pk))
    visitor.page.locator("main form button[type=submit]").click()
    visitor.page.wait_for_url(f"**/people/councils/{glasgow.slug}/")
    assert "Invitation sent to isla.editor@glasgow.example.gov.uk" in visitor.page.content()
    visitor.check_accessibility("council team with the new invitation")
    assert Invitation.objects.get(email="isla.editor@glasgow.example.gov.uk").state == "pending"

    viewer = User.objects.get(email="viewer@glasgow.demo.digitaloffice.scot")
    visitor.goto(f"/people/{viewer.pk}/")
    visitor.check_accessibility("person page")
    visitor.goto(f"/people/{viewer.pk}/deactivate/")
    visitor.check_accessibility("deactivation confirmation")
    visitor.goto("/people/record/")
    assert "isla.editor@glasgow.example.gov.uk" in visitor.page.content()
    visitor.check_accessibility("access record")
    visitor.goto("/people/domains/")
    visitor.check_accessibility("single sign-on domains")

    [message] = [m for m in mail.outbox if m.to == ["isla.editor@glasgow.example.gov.uk"]]
    link = re.search(r"https?://\S+(/accounts/invitations/\S+/)", message.body).group(1)

    visitor.goto("/accounts/logout/")
    visitor.page.locator("main form button[type=submit]").first.click()
    visitor.goto(link)
    assert "Council editor, Glasgow City" in visitor.page.content()
    visitor.check_accessibility("accept invitation")
    visitor.page.fill("#id_password1", "short")
    visitor.page.fill("#id_password2", "short")
    visitor.page.locator("main form button[type=submit]").click()
    assert visitor.page.locator("#error-summary").is_visible()
    assert visitor.page.input_value("#id_full_name") == "Isla Editor"  # what was typed is kept
    visitor.check_accessibility("accept invitation with errors")
    visitor.page.fill("#id_password1", PASSWORD)
    visitor.page.fill("#id_password2", PASSWORD)
    visitor.page.locator("main form button[type=submit]").click()
    visitor.page.wait_for_url(visitor.base_url + "/")
    assert "isla.editor@glasgow.example.gov.uk" in visitor.page.locator(".portal-account").inner_text()
    assert visitor.page.get_by_role("link", name="My council").count() >= 1  # a council editor's home
    visitor.check_accessibility("home of the new editor")

    visitor.goto(link)  # the link worked once
    assert "This invitation has been used" in visitor.page.content()
    visitor.check_accessibility("used invitation link")
    person = User.objects.get(email="isla.editor@glasgow.example.gov.uk")
    assert (person.council_id, person.council_role, person.full_name) == (glasgow.pk, "editor", "Isla Editor")
