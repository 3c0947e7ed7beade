"""People and access pages (people.views), mounted at the site's root: /people/..., each council's and
partner's team (/people/councils/<slug>/, /people/partners/<slug>/), and the invitation link under /accounts/ (open
before two-factor, like the other account pages). /councils/<slug>/ is the council's page (dashboard)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "people"


def moved_to(pattern_name):
    """A page that moved: 301 to its new address (GET and HEAD only; nothing is posted to an old address)."""
    return RedirectView.as_view(pattern_name=pattern_name, permanent=True, query_string=True,
                                http_method_names=["get", "head"])


urlpatterns = [
    path("people/", views.index, name="index"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("people/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("people/record/", views.access_record, name="record"),
    path("people/domains/", views.domains, name="domains"),
    path("people/domains/<int:pk>/delete/", views.domain_delete, name="domain_delete"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/councils/<slug:slug>/", views.council_team, name="council_team"),
    path("people/councils/<slug:slug>/single-sign-on/", views.council_sso, name="council_sso"),
    path("people/partners/<slug:slug>/", views.partner_team, name="partner_team"),
    path("accounts/invitations/<str:token>/", views.accept, name="accept"),
    # Where the teams were until issue 21 (bookmarks, links in old e-mails): moved for good.
    path("councils/<slug:slug>/team/", moved_to("people:council_team"), name="council_team_moved"),
    path("partners/<slug:slug>/team/", moved_to("people:partner_team"), name="partner_team_moved"),
]
