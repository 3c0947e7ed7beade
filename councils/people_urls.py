"""People and access pages (councils.people_views), mounted at the site's root: /people/..., each council's and
partner's team, and the invitation link under /accounts/ (open before two-factor, like the other account pages)."""

from django.urls import path

from . import people_views as views

app_name = "people"

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
    path("councils/<slug:slug>/team/", views.council_team, name="council_team"),
    path("councils/<slug:slug>/team/single-sign-on/", views.council_sso, name="council_sso"),
    path("partners/<slug:slug>/team/", views.partner_team, name="partner_team"),
    path("accounts/invitations/<str:token>/", views.accept, name="accept"),
]
