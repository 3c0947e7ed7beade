"""The monthly reports, their settings, subscribers and the reminder log (Digital Office staff)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors

from .. import policies, reminders, reports, selectors
from ..filtersets import ReminderFilterSet
from ..forms import (
    OfficeSettingsForm,
    ReportRequestForm,
    SubscriberForm,
)
from .common import PAGE_SIZE, _require_office_staff, _require_reader


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
