"""Following an initiative, a council or a theme, and each person's e-mail and calendar settings."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import policies
from ..models import Follow, Preferences, new_calendar_token
from . import mail

__all__ = ["calendar_token_reset", "follow_set", "preferences_set", "unsubscribe"]


@transaction.atomic
def follow_set(*, user, following: bool, initiative=None, council=None, theme=None) -> Follow:
    """Follow (or stop following) one thing. Stopping an initiative one's council takes part in keeps a row saying
    so, as following it is the default."""
    if not policies.can_follow(user):
        raise PermissionDenied(_("Only council and Digital Office staff follow the portfolio."))
    targets = {"initiative": initiative, "council": council, "theme": theme}
    chosen = {name: value for name, value in targets.items() if value is not None}
    if len(chosen) != 1:
        raise ValidationError(_("Choose one initiative, council or theme to follow."))
    (name, value), = chosen.items()
    follow, _created = Follow.objects.update_or_create(person=user, **{name: value},
                                                       defaults={"following": following})
    return follow


def _preferences(user) -> Preferences:
    return Preferences.objects.select_for_update().get_or_create(person=user)[0]


@transaction.atomic
def preferences_set(*, user, frequency: str) -> Preferences:
    preferences = _preferences(user)
    preferences.frequency = frequency
    preferences.full_clean()
    preferences.save()
    return preferences


@transaction.atomic
def unsubscribe(*, token: str) -> Preferences | None:
    """Stop every e-mail of the person the signed token names (no sign-in needed); None for a bad token."""
    person_id = mail.person_id_from_unsubscribe_token(token)
    if person_id is None:
        return None
    preferences, _created = Preferences.objects.get_or_create(person_id=person_id)
    preferences.frequency = Preferences.Frequency.NEVER
    preferences.save()
    return preferences


@transaction.atomic
def calendar_token_reset(*, user) -> Preferences:
    """A new secret calendar address: the old one stops working at once."""
    preferences = _preferences(user)
    preferences.calendar_token = new_calendar_token()
    preferences.save()
    return preferences
