"""In a real browser: the two-factor sign-in, and pages that run under the Content-Security-Policy without a
single blocked script or style (the browser reports each one on its console)."""

import pytest

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"


def test_staff_sign_in_with_a_code_and_the_docs_and_admin_run_under_the_policy(visitor):
    from core.models import User

    User.objects.filter(email=CDO).update(is_staff=True)
    visitor.goto("/admin/")
    assert "/accounts/login/" in visitor.page.url  # the admin has no login of its own
    visitor.page.fill("#id_login", CDO)
    visitor.page.fill("#id_password", "scotland-digital-2020")
    visitor.page.locator("main form button[type=submit]").first.click()
    visitor.page.wait_for_url("**/accounts/2fa/authenticate/")
    visitor.check_accessibility("two-factor code")
    from seeding.demo import demo_totp_code

    visitor.page.fill("#id_code", demo_totp_code())
    visitor.page.locator("main form button[type=submit]").first.click()
    visitor.page.wait_for_url("**/admin/")
    assert "Administration" in visitor.page.content()

    visitor.goto("/api/v1/docs/")
    visitor.page.wait_for_selector(".swagger-ui .info")  # the start-up script ran
    visitor.goto("/initiatives/")
    visitor.check_accessibility("portfolio under the policy")
    assert not visitor.csp_violations
