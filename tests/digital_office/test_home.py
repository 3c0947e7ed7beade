import pytest

from initiatives.models import Initiative, ProgressUpdate

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_match_the_portfolio(client, login_as):
    login_as("cdo@demo.digitaloffice.scot")
    response = client.get("/")
    dashboard = response.context["dashboard"]
    assert dashboard["total"] == Initiative.objects.count()
    delivery = dict(next(counts for axis, _label, counts in dashboard["rag_rows"] if axis == "delivery"))
    assert delivery["red"] == Initiative.objects.filter(current_update__rag_delivery="red").count()
    assert response.context["awaiting_review_count"] == ProgressUpdate.objects.filter(state="submitted").count()
    html = response.content.decode()
    assert "/initiatives/?rag_delivery=red" in html and "/initiatives/review/" in html


def test_a_person_without_a_role_sees_no_portfolio(client, db):
    from core.models import User

    client.force_login(User.objects.create_user(email="nobody@example.org"))
    html = client.get("/").content.decode()
    assert "does not have a role in the portal yet" in html
    assert client.get("/initiatives/").status_code == 403
