import pytest

from initiatives.models import Initiative, ProgressUpdate

pytestmark = pytest.mark.django_db


def test_the_home_page_is_the_dashboard_and_its_counts_match_the_portfolio(client, login_as):
    login_as("cdo@demo.digitaloffice.scot")
    response = client.get("/")
    headline = response.context["headline"]
    assert headline.total.count == Initiative.objects.count()
    delivery = {cell.label: cell.count for cell in headline.rag[0]["cells"]}
    assert delivery["Red"] == Initiative.objects.filter(current_update__rag_delivery="red").count()
    assert response.context["awaiting_review_count"] == ProgressUpdate.objects.filter(state="submitted").count()
    html = response.content.decode()
    assert "/initiatives/?rag_delivery=red" in html and "/initiatives/review/" in html


def test_a_person_without_a_role_sees_no_portfolio(client, db):
    from core.models import User

    client.force_login(User.objects.create_user(email="nobody@example.org"))
    html = client.get("/").content.decode()
    assert "does not have a role in the portal yet" in html
    assert client.get("/initiatives/").status_code == 403
