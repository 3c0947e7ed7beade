"""Changing one's email address: only to an address that is nobody else's, and only once the new one is verified."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.models import User

pytestmark = pytest.mark.django_db

GLASGOW = "editor@glasgow.demo.digitaloffice.scot"


def test_another_persons_address_is_refused_with_a_message(client, login_as):
    """Fault: the address changed to another user's (a 500, leaving a bad primary address)."""
    login_as(GLASGOW)
    for taken in ("viewer@glasgow.demo.digitaloffice.scot", "VIEWER@glasgow.demo.digitaloffice.scot"):
        response = client.post(reverse("account_email"), {"action_add": "", "email": taken})
        assert response.status_code == 200
        assert "This address belongs to another account" in response.content.decode()
    assert User.objects.get(email=GLASGOW)
    assert not mail.outbox


def test_a_new_address_counts_only_once_its_owner_follows_the_link(client, login_as,
                                                                   django_capture_on_commit_callbacks):
    """Fault: email addresses changed without verification."""
    login_as(GLASGOW)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail's task is sent once the request commits
        response = client.post(reverse("account_email"), {"action_add": "", "email": "new.address@glasgow.gov.uk"})
    assert response.status_code in (200, 302)
    assert User.objects.filter(email=GLASGOW).exists()  # not yet
    assert not User.objects.filter(email="new.address@glasgow.gov.uk").exists()
    client.post(reverse("account_email"), {"action_primary": "", "email": "new.address@glasgow.gov.uk"})
    assert User.objects.filter(email=GLASGOW).exists()  # nor by making the unverified address the primary one
    message = next(m for m in mail.outbox if "new.address@glasgow.gov.uk" in m.to)
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+)", message.body).group(1)
    client.post(link)
    assert User.objects.filter(email="new.address@glasgow.gov.uk").exists()
    assert not User.objects.filter(email=GLASGOW).exists()
