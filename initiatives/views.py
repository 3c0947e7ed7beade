"""Views of the portfolio: parse input, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exports import export_response
from core.forms import applied_filters, apply_errors
from strategy import policies as strategy_policies

from . import policies, reminders, reports, selectors, services
from .exports import INITIATIVE_COLUMNS
from .filtersets import InitiativeFilterSet, ReminderFilterSet
from .forms import (
    BenefitForm,
    InitiativeForm,
    JoinDecisionForm,
    JoinForm,
    MilestoneForm,
    OfficeSettingsForm,
    ProgressUpdateForm,
    ReopenPeriodForm,
    ReportRequestForm,
    ReviewForm,
    RiskForm,
    SubscriberForm,
)
from .models import Benefit, Initiative, JoinRequest, Milestone, ProgressUpdate, Risk

PAGE_SIZE = 25


def _require_reader(user):
    if not policies.can_read_portfolio(user):
        raise PermissionDenied(_("Your account has no role in the portal yet: ask the Digital Office."))




def _stale(request, form, stale: services.StaleEdit):
    """Keep what the person typed, show what others changed, and let them save again knowingly."""
    form.data = form.data.copy()
    form.data["version"] = stale.current.version
    form.add_error(None, str(stale))
    return stale.changes


def initiative_list(request):
    _require_reader(request.user)
    filterset = InitiativeFilterSet(request.GET or None, queryset=selectors.initiative_list(user=request.user))
    queryset = (
        filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.initiative_list(user=request.user)
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            queryset.iterator(chunk_size=500) if export == "csv" else queryset,
            INITIATIVE_COLUMNS,
            "initiatives",
            _("Initiatives"),
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "can_create": policies.can_create_initiative(request.user),
            "result_count": page.paginator.count,
            "applied": applied_filters(filterset.form, request.GET) if filterset.is_bound else [],
        },
    )


def initiative_detail(request, reference):
    _require_reader(request.user)
    initiative, updates = selectors.initiative_detail(user=request.user, reference=reference)
    user = request.user
    period = selectors.open_period()
    can_decide = policies.can_decide_join_requests(user, initiative)
    can_reopen = policies.can_reopen_period(user)
    writable_periods = selectors.writable_periods(initiative, current=period)
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "join_requests": selectors.join_requests_pending(initiative) if can_decide else [],
            "reopen_period": selectors.last_closed_period() if can_reopen else None,
            "reopen_form": ReopenPeriodForm() if can_reopen else None,
            "to_write": selectors.updates_to_write(
                user=user, initiative=initiative, updates=updates, open_period=period, writable_periods=writable_periods
            ),
            "current": initiative.current_update,
            "pending": selectors.pending_update(updates, initiative.current_update),
            "spend_share": selectors.spend_share(initiative),
            "trend": selectors.rag_trend(updates),
            "updates": updates,
            "history": selectors.change_history(initiative),
            "open_period": period,
            "open_update": next((u for u in updates if period and u.period_id == period.pk), None),
            "can_edit": policies.can_edit_initiative(user, initiative),
            "can_keep_registers": policies.can_keep_registers(user, initiative),
            "can_join": policies.can_join_initiative(user, initiative),
            "can_draft": policies.can_draft_update(user, initiative),
            "can_review": policies.can_review_updates(user),
            "benefit_review": selectors.benefit_reviews_open(initiative_ids=[initiative.pk]).first(),
        },
    )


@require_http_methods(["GET", "POST"])
def initiative_create(request):
    if not policies.can_create_initiative(request.user):
        raise PermissionDenied
    council = request.user.council
    form = InitiativeForm(
        request.POST or None,
        initial={"lead_council": council, "stage": "proposed"},
        lead_council_locked=council is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            initiative = services.initiative_create(user=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Initiative %(ref)s created.") % {"ref": initiative.reference})
            return redirect("initiatives:detail", reference=initiative.reference)
    return render(request, "initiatives/form.html", {"form": form, "initiative": None})


@require_http_methods(["GET", "POST"])
def initiative_edit(request, reference):
    initiative = get_object_or_404(Initiative.objects.select_related("lead_council"), reference=reference)
    if not policies.can_edit_initiative(request.user, initiative):
        raise PermissionDenied
    initial = {name: getattr(initiative, name) for name in services.INITIATIVE_EDITABLE}
    initial.update(
        version=initiative.version,
        lead_council=initiative.lead_council,
        outcomes=initiative.outcomes.all(),
        partners=initiative.partners.all(),
    )
    form = InitiativeForm(request.POST or None, initial=initial, lead_council_locked=True)
    changes = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.INITIATIVE_EDITABLE}
        try:
            services.initiative_update(
                user=request.user,
                initiative=initiative,
                version=form.cleaned_data["version"],
                outcomes=form.cleaned_data["outcomes"],
                partners=form.cleaned_data["partners"],
                **data,
            )
        except services.StaleEdit as stale:
            changes = _stale(request, form, stale)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes to %(ref)s are saved.") % {"ref": initiative.reference})
            return redirect("initiatives:detail", reference=initiative.reference)
    return render(request, "initiatives/form.html", {"form": form, "initiative": initiative, "changes": changes})


@require_http_methods(["GET", "POST"])
def initiative_join(request, reference):
    initiative = get_object_or_404(Initiative, reference=reference)
    if not policies.can_join_initiative(request.user, initiative):
        raise PermissionDenied
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(user=request.user, initiative=initiative, role=form.cleaned_data["role"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(council)s has asked to join %(ref)s. The lead council or the Digital Office will decide.")
                % {"council": request.user.council, "ref": reference},
            )
            return redirect("initiatives:detail", reference=reference)
    return render(request, "initiatives/join.html", {"form": form, "initiative": initiative})


@require_POST
def join_request_decide(request, reference, pk):
    join_request = get_object_or_404(JoinRequest.objects.select_related("initiative"), pk=pk,
                                     initiative__reference=reference)
    if not policies.can_decide_join_requests(request.user, join_request.initiative):
        raise PermissionDenied
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or refuse the request."))
        return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + "#councils")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.join_request_decide(user=request.user, join_request=join_request, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("%(council)s now takes part.") if accept else _("The request from %(council)s is refused.")
        messages.success(request, text % {"council": join_request.council})
    return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + "#councils")


@require_POST
def period_reopen(request, reference):
    initiative = get_object_or_404(Initiative, reference=reference)
    if not policies.can_reopen_period(request.user):
        raise PermissionDenied
    form = ReopenPeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        reopening = services.period_reopen(user=request.user, initiative=initiative, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(period)s is reopened for %(ref)s: its update can be written and submitted.")
            % {"period": reopening.period.label, "ref": reference},
        )
    return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + "#updates")


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
    following = selectors.council_tasks(user=request.user).next_task
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
    return render(request, "initiatives/my_council.html", selectors.my_council(user=request.user))



REGISTERS = {
    "milestone": (Milestone, MilestoneForm, _("milestone")),
    "risk": (Risk, RiskForm, _("risk")),
    "benefit": (Benefit, BenefitForm, _("benefit")),
}


@require_http_methods(["GET", "POST"])
def register_item_edit(request, reference, kind, pk=None):
    if kind not in REGISTERS:
        raise Http404
    model, form_class, noun = REGISTERS[kind]
    initiative = get_object_or_404(Initiative, reference=reference)
    if not policies.can_keep_registers(request.user, initiative):
        raise PermissionDenied
    item = get_object_or_404(model, pk=pk, initiative=initiative) if pk else None
    extra = {}
    if kind == "benefit":
        extra = {
            "councils": selectors.benefit_councils(user=request.user, initiative=initiative),
        }
    form = form_class(request.POST or None, instance=item, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_item_save(
                user=request.user, initiative=initiative, kind=kind, instance=item, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The %(noun)s is saved.") % {"noun": noun})
            return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + f"#{kind}s")
    return render(
        request,
        "initiatives/register_form.html",
        {"form": form, "initiative": initiative, "item": item, "noun": noun, "kind": kind},
    )


@require_POST
def register_item_delete(request, reference, kind, pk):
    if kind not in REGISTERS:
        raise Http404
    model, _form, noun = REGISTERS[kind]
    item = get_object_or_404(model.objects.select_related("initiative"), pk=pk, initiative__reference=reference)
    services.register_item_delete(user=request.user, item=item)
    messages.success(request, _("The %(noun)s is deleted.") % {"noun": noun})
    return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + f"#{kind}s")


def report_list(request):
    _require_reader(request.user)
    form = ReportRequestForm(request.POST or None) if policies.can_run_reports(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = reports.report_request(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                _report_requested_message(request, report)
                return redirect("initiatives:reports")
    page = Paginator(reports.reports_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/reports/list.html",
        {"form": form, "page": page, "can_manage_settings": policies.can_manage_office_settings(request.user)},
    )


def _report_requested_message(request, report):
    names = {"kind": report.get_kind_display(), "period": report.period.label}
    if report.job is None:
        messages.info(request, _("%(kind)s for %(period)s is already being made.") % names)
    elif report.job.sent is False:
        messages.warning(
            request,
            _(
                "The job queue cannot be reached just now. Your %(kind)s for %(period)s is saved and will be made "
                "as soon as the queue is back: you do not need to ask again."
            )
            % names,
        )
    else:
        messages.success(
            request, _("%(kind)s for %(period)s is being made. This page shows when it is ready.") % names
        )


def report_status(request):
    """The status of the reports listed on a page, for its script to refresh them without reloading the page."""
    _require_reader(request.user)
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()][:100]
    rows = []
    for report in reports.reports_visible_to(request.user).filter(pk__in=ids):
        rows.append(
            {
                "id": report.pk,
                "status": report.status,
                "html": render_to_string("initiatives/reports/status_cells.html", {"r": report}, request=request),
                "announcement": _("%(kind)s for %(period)s: %(status)s")
                % {"kind": report.get_kind_display(), "period": report.period.label if report.period else "",
                   "status": report.get_status_display().lower()},
            }
        )
    return JsonResponse({"reports": rows})


def report_download(request, pk, extension="pdf"):
    report = get_object_or_404(reports.reports_visible_to(request.user), pk=pk)
    file = report.spreadsheet if extension == "xlsx" else report.file
    if not file or not file.storage.exists(file.name):
        raise Http404(_("This report has no file yet."))
    return FileResponse(file.open("rb"), as_attachment=True, filename=report.download_name(extension))


def _require_office_staff(user):
    if not policies.can_manage_office_settings(user):
        raise PermissionDenied(_("Only Digital Office staff manage reports and reminders."))


@require_http_methods(["GET", "POST"])
def office_settings(request):
    """Reminder delays, the board date and who receives the monthly report."""
    _require_office_staff(request.user)
    current = selectors.office_settings()
    form = OfficeSettingsForm(request.POST if request.POST.get("form") == "settings" else None, instance=current)
    subscriber_form = SubscriberForm(request.POST if request.POST.get("form") == "subscriber" else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            reminders.office_settings_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("initiatives:office_settings")
    if request.method == "POST" and subscriber_form.is_bound and subscriber_form.is_valid():
        try:
            subscription = reports.report_subscription_add(
                user=request.user, email=subscriber_form.cleaned_data["email"]
            )
        except ValidationError as error:
            apply_errors(subscriber_form, error)
        else:
            messages.success(
                request, _("%(email)s will receive the monthly report.") % {"email": subscription.user.email}
            )
            return redirect(reverse("initiatives:office_settings") + "#subscribers")
    return render(
        request,
        "initiatives/reports/settings.html",
        {
            "form": form,
            "subscriber_form": subscriber_form,
            "subscriptions": selectors.report_subscriptions(),
            "emails": selectors.report_emails_recent(),
        },
    )


@require_POST
def subscriber_remove(request, pk):
    _require_office_staff(request.user)
    subscription = get_object_or_404(selectors.report_subscriptions(), pk=pk)
    reports.report_subscription_remove(user=request.user, subscription=subscription)
    messages.success(
        request, _("%(email)s will no longer receive the monthly report.") % {"email": subscription.user.email}
    )
    return redirect(reverse("initiatives:office_settings") + "#subscribers")


def reminder_log(request):
    _require_office_staff(request.user)
    filterset = ReminderFilterSet(request.GET or None, queryset=selectors.reminder_log())
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.reminder_log()
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "initiatives/reports/reminders.html", {"form": filterset.form, "page": page})


# -- the portfolio by outcome (the strategy pages; mounted under /strategy/ by the project's urls) -------------


def strategy_overview(request):
    context = selectors.strategy_overview(user=request.user)
    context["can_manage_measures"] = strategy_policies.can_manage_measures(request.user)
    return render(request, "strategy/overview.html", context)


def strategy_coverage(request):
    return render(request, "strategy/coverage.html", selectors.strategy_coverage(user=request.user))
