"""Progress updates: writing one (update_edit), reviewing, the review queue and My council."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import apply_errors

from .. import policies, selectors, services
from ..forms import (
    ProgressUpdateForm,
    ReviewForm,
)
from ..models import ProgressUpdate
from .common import _stale


def _update_stale(form, stale: services.StaleEdit) -> dict:
    """A save that ran into someone else's: keep what this person typed, show the other person's text beside it, and
    let them save again knowingly (the form now carries the version they have seen)."""
    form.data = form.data.copy()
    form.data["version"] = stale.current.version
    if stale.saved_by and stale.saved_at:
        form.add_error(
            None,
            _(
                "%(who)s saved this update at %(when)s, while you were writing yours, so yours was not saved. Their "
                "text is shown below and yours is still in the form: compare them, then save again to replace theirs."
            )
            % {
                "who": stale.saved_by,
                "when": formats.date_format(timezone.localtime(stale.saved_at), "j F Y, H:i"),
            },
        )
    else:
        form.add_error(
            None,
            _(
                "Someone else saved this update while you were writing yours, so yours was not saved. Their text is "
                "shown below and yours is still in the form: compare them, then save again to replace theirs."
            ),
        )
    return {"changes": stale.changes, "changed_by": stale.saved_by, "changed_at": stale.saved_at}


@require_http_methods(["GET", "POST"])
def update_edit(request, reference, period_start):
    """Draft, save and submit the update of one initiative for one period."""
    state = selectors.update_form_state(user=request.user, reference=reference, period_start=period_start)
    notice = state.leave_notice(opening=request.method == "GET")
    if notice:
        messages.info(request, notice)
        return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + "#updates")
    # Bound on every POST, an empty one too (an empty POST to a submitted update was a 500: the matrix found it).
    form = ProgressUpdateForm(request.POST if request.method == "POST" else None, initial=state.initial)
    conflict = {}
    if form.is_bound:
        saved, conflict = _update_post(request, state, form)
        if saved:
            return saved
    return render(
        request,
        "initiatives/update_form.html",
        {
            **state.context,
            **conflict,
            "form": form,
            "axes": form.axes(state.context["previous"]),
            "initiative": state.initiative,
            "period": state.period,
            "update": state.update,
            "can_save": bool(state.writable),
            "back_to_my_council": policies.can_see_my_council(request.user),
        },
    )


def _update_post(request, state, form):
    """Save or submit what was posted: (the page to go to next, None) once saved; (None, the conflict to show)
    when not, the form then carrying the errors and what the person typed."""
    if state.refusal_reason:
        # It moved on (submitted or approved) since this person opened it: keep their text on the page, say why.
        form.is_valid()
        form.add_error(None, state.refusal_reason)
        return None, {}
    if not form.is_valid():
        return None, {}
    submit = request.POST.get("action") == "submit"
    try:
        services.update_save(
            user=request.user, initiative=state.initiative, period=state.period, submit=submit,
            **{name: form.cleaned_data[name] for name in ("version", *services.UPDATE_FIELDS)},
        )
    except services.StaleEdit as stale:
        return None, _update_stale(form, stale)
    except ValidationError as error:
        apply_errors(form, error)
        return None, {}
    return _after_save(request, state, submitted=submit), {}


def _after_save(request, state, *, submitted):
    if not submitted:
        messages.success(request, _("Draft saved. Submit it when it is ready."))
        return redirect("initiatives:update", reference=state.initiative.reference,
                        period_start=state.period.starts_on)
    return _after_submit(request, state.initiative, state.period)


def _after_submit(request, initiative, period):
    """Back to My council, with a banner that says what was done and links the next task (council staff); the
    initiative page for the Digital Office."""
    done = _("Update for %(ref)s %(title)s, %(period)s, submitted to the Digital Office for review.") % {
        "ref": initiative.reference,
        "title": initiative.title,
        "period": period.label,
    }
    if not policies.can_see_my_council(request.user):
        messages.success(request, done)
        return redirect("initiatives:detail", reference=initiative.reference)
    following = selectors.next_council_task(user=request.user)
    if following and following.is_editable:
        url = reverse(
            "initiatives:update",
            kwargs={"reference": following.initiative.reference, "period_start": following.period.starts_on},
        )
        text = format_html(
            '{} <a href="{}">{}</a>',
            done,
            url,
            _("Next: %(ref)s %(title)s, %(period)s (%(state)s)")
            % {
                "ref": following.initiative.reference,
                "title": following.initiative.title,
                "period": following.period.label,
                "state": str(following.state_label).lower(),
            },
        )
    else:
        text = format_html("{} {}", done, _("Nothing else is waiting for you."))
    messages.success(request, text, extra_tags="banner")
    return redirect("initiatives:my_council")


@require_http_methods(["GET", "POST"])
def update_review(request, pk):
    if not policies.can_review_updates(request.user):
        raise PermissionDenied
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("initiative", "period", "council", "submitted_by", "author"),
        pk=pk,
    )
    form = ReviewForm(request.POST or None, initial={"version": update.version})
    changes = []
    can_review = policies.can_review_update(request.user, drafted_by=selectors.update_drafters(update))
    if request.method == "POST" and not can_review:
        raise PermissionDenied(_("You drafted or submitted this update: another member of staff must review it."))
    if request.method == "POST" and form.is_valid():
        decision, version = form.cleaned_data["decision"], form.cleaned_data["version"]
        try:
            if decision == "approve":
                services.update_approve(user=request.user, update=update, version=version)
                messages.success(request, _("Update for %(ref)s approved.") % {"ref": update.initiative.reference})
            else:
                services.update_return(
                    user=request.user, update=update, version=version, comment=form.cleaned_data["review_comment"]
                )
                messages.success(
                    request,
                    _("Update for %(ref)s returned to %(council)s.")
                    % {"ref": update.initiative.reference, "council": update.council},
                )
        except services.StaleEdit as stale:
            changes = _stale(request, form, stale)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("initiatives:review_queue")
    previous = selectors.last_approved_before(initiative=update.initiative, period=update.period)
    return render(
        request,
        "initiatives/review.html",
        {
            "form": form,
            "update": update,
            "previous": previous,
            "comparison": selectors.update_comparison(update, previous),
            "changes": changes,
            "can_review": can_review,
        },
    )


def review_queue(request):
    if not policies.can_review_updates(request.user):
        raise PermissionDenied
    page = Paginator(selectors.review_queue(), 50).get_page(request.GET.get("page"))
    return render(request, "initiatives/review_queue.html", {"updates": page.object_list, "page": page})


def my_council(request):
    if not policies.can_see_my_council(request.user):
        raise Http404(_("This page is for council staff."))
    pages = {group: request.GET.get(parameter) for group, parameter in selectors.TASK_PAGE_PARAMETERS.items()}
    return render(request, "initiatives/my_council.html", selectors.my_council(user=request.user, pages=pages))
