"""The office's controls of the public portfolio (signed in, Digital Office only): what is public, publish or
withhold per initiative, and the preview of a fact sheet before it is published."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from initiatives import selectors as portfolio

from . import policies, selectors, services
from .views import _sheet_context


def _require_office(user):
    if not policies.can_manage_publication(user):
        raise PermissionDenied


@require_GET
def office(request):
    _require_office(request.user)
    return render(request, "public/office.html", {
        "rows": selectors.office_list(), "changes": selectors.publication_changes(),
        "publication": selectors.current_publication(), "choices": portfolio.Publication.choices,
        "stages": dict(portfolio.Stage.choices),
    })


@require_GET
def preview(request, reference):
    _require_office(request.user)
    sheet = selectors.preview(reference=reference)
    if sheet is None:
        raise Http404
    return render(request, "public/preview.html", {**_sheet_context(sheet), "preview": True})


@require_POST
def publish(request, reference):
    _require_office(request.user)
    choice = request.POST.get("publication", "")
    if choice not in portfolio.Publication.values:
        messages.error(request, _("Choose whether the initiative is public."))
        return redirect("public:office")
    try:
        services.initiative_publication_set(user=request.user, reference=reference, publication=choice)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("public:office")
    messages.success(request, _("%(reference)s: saved. The public pages and files show it now.") % {
        "reference": reference})
    return redirect("public:office")
