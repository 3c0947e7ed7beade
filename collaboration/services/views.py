"""Saved views: a named filter set of the portfolio list or the dashboard."""

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import policies
from ..models import SavedView

__all__ = ["saved_view_delete", "saved_view_save"]

IGNORED_PARAMETERS = {"page", "csrfmiddlewaretoken"}


def clean_query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl((query or "").lstrip("?"), keep_blank_values=False)
             if k not in IGNORED_PARAMETERS]
    return urlencode(pairs)


@transaction.atomic
def saved_view_save(*, user, name: str, page: str, query: str, sharing: str) -> SavedView:
    if not policies.can_save_views(user):
        raise PermissionDenied
    if sharing not in policies.sharing_choices(user):
        raise ValidationError({"sharing": _("Choose who sees this view from the options given.")})
    view = SavedView(owner=user, name=(name or "").strip(), page=page, query=clean_query(query), sharing=sharing,
                     council_id=user.council_id if sharing == SavedView.Sharing.COUNCIL else None)
    if SavedView.objects.filter(owner=user, name=view.name).exists():
        raise ValidationError({"name": _("You already have a view called “%(name)s”: choose another name.")
                               % {"name": view.name}})
    try:
        view.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        if "name" in getattr(error, "error_dict", {}):
            raise ValidationError({"name": _("Enter a name for the view, 80 characters or fewer.")}) from error
        raise
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError as error:
        raise ValidationError({"name": _("You already have a view with that name: choose another name.")}) from error
    return view


@transaction.atomic
def saved_view_delete(*, user, view: SavedView) -> None:
    if not policies.can_delete_view(user, view):
        raise PermissionDenied(_("Only the person who saved a view can delete it."))
    view.delete()
