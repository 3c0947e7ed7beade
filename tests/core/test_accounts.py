import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = [
    ("cdo@demo.digitaloffice.scot", "Digital Office staff", "Digital Office for Scottish Local Government"),
    ("cto@demo.digitaloffice.scot", "Digital Office staff", "Digital Office for Scottish Local Government"),
    ("editor@glasgow.demo.digitaloffice.scot", "Council editor", "Glasgow City"),
    ("viewer@glasgow.demo.digitaloffice.scot", "Council viewer", "Glasgow City"),
    ("editor@fife.demo.digitaloffice.scot", "Council editor", "Fife"),
    ("editor@highland.demo.digitaloffice.scot", "Council editor", "Highland"),
    ("partner@scottish-government.demo.digitaloffice.scot", "Partner user", "Scottish Government"),
]


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_login_page_is_open_and_uses_the_design_system(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "design-system" in html and 'id="main-content"' in html


@pytest.mark.parametrize(("email", "role", "organisation"), ROLES)
def test_each_demo_account_signs_in_and_lands_on_the_dashboard_under_its_organisation_and_role(
    client, demo_data, demo_password, email, role, organisation
):
    from seeding.demo import demo_totp_code

    response = client.post(reverse("account_login"), {"login": email, "password": demo_password}, follow=True)
    if role == "Digital Office staff":  # their second factor comes next
        assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": demo_totp_code()}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert role in html
    assert organisation in html
    assert "<h1" in html and "Dashboard" in html


def test_a_wrong_password_is_refused_with_a_message_and_keeps_the_email(client, demo_data):
    response = client.post(
        reverse("account_login"), {"login": "cdo@demo.digitaloffice.scot", "password": "not-the-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "email address and/or password you specified are not correct" in html
    assert 'value="cdo@demo.digitaloffice.scot"' in html
    assert "_auth_user_id" not in client.session


def test_sign_up_is_closed(client, db):
    from core.models import User

    page = client.get(reverse("account_signup")).content.decode()
    assert "You cannot create an account here" in page
    assert 'name="password1"' not in page
    client.post(reverse("account_signup"), {"email": "new@example.org", "password1": "x" * 20, "password2": "x" * 20})
    assert not User.objects.filter(email="new@example.org").exists()


def test_the_accessibility_statement_is_public(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "WCAG 2.2" in response.content.decode()


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")  # 503 here: no Celery worker runs (tests/digital_office/test_health.py)
    assert response.json()["checks"]["database"] == "ok"


def test_admin_is_closed_to_council_staff_and_to_digital_office_staff_without_mfa(client, login_as):
    login_as("editor@glasgow.demo.digitaloffice.scot")
    assert client.get("/admin/", follow=True).status_code == 403
    from core.models import User

    User.objects.filter(email="cdo@demo.digitaloffice.scot").update(is_staff=True)
    login_as("cdo@demo.digitaloffice.scot", second_factor=False)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))
    login_as("cdo@demo.digitaloffice.scot")
    assert client.get("/admin/").status_code == 200


def test_superusers_can_use_the_admin(client, db):
    from core.models import User
    from tests.conftest import mark_second_factor_used

    admin = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))
    mark_second_factor_used(client, admin)
    for url in (
        "/admin/",
        "/admin/initiatives/initiative/",
        "/admin/councils/contribution/",
        "/admin/strategy/maturityassessment/",
    ):
        assert client.get(url).status_code == 200, url


def test_no_page_claims_to_be_gaelic_while_the_catalogue_is_english(client):
    """1 of 1,178 messages is translated: Gaelic is not offered, and neither the switch, the language cookie nor
    the browser's Accept-Language makes a page say lang="gd" (WCAG 3.1.1)."""
    from django.conf import settings

    assert [code for code, _name in settings.LANGUAGES] == ["en-gb"]
    switched = client.post("/i18n/setlang/", {"language": "gd", "next": "/accounts/login/"}, follow=True)
    html = switched.content.decode()
    assert '<html lang="en-gb"' in html
    assert "Gàidhlig" not in html  # no switch offers a language the pages are not written in
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "gd"
    assert '<html lang="en-gb"' in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="gd").content.decode()
