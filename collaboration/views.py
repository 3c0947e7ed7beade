"""Pages of conversations, notifications, following, settings, calendar feeds and saved views: parse input, call
one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import apply_errors
from councils import selectors as council_selectors
from strategy import selectors as strategy_selectors

from . import calendar, policies, selectors, services
from .forms import BoardMeetingForm, CommentForm, FollowForm, PreferencesForm, SavedViewForm
from .models import Comment, SavedView
from .services.mail import person_id_from_unsubscribe_token

PAGE_SIZE = 50
PAGES = {SavedView.Page.PORTFOLIO: "initiatives:list", SavedView.Page.DASHBOARD: "dashboard:dashboard"}


def _next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def conversation_context(user, initiative, update=None, *, form=None, reply_form=None, reply_to=None) -> dict:
    """What a conversation shows, on its own page and inside the initiative and review pages."""
    can_comment = policies.can_comment(user, initiative, update)
    return {
        "initiative": initiative,
        "update": update,
        "comments": selectors.conversation(initiative=initiative, update=update),
        "form": form or (CommentForm(auto_id="comment-%s") if can_comment else None),
        "reply_form": reply_form,
        "reply_to": reply_to,
        "can_comment": can_comment,
        "following": selectors.is_following(user, initiative) if policies.can_follow(user) else None,
        "can_follow": policies.can_follow(user),
        "post_url": _conversation_url(initiative, update),
        "mentions_url": reverse("collaboration:mentions"),
        "user": user,
    }


def _conversation_url(initiative, update) -> str:
    if update is not None:
        return reverse("collaboration:update_conversation", kwargs={"pk": update.pk})
    return reverse("collaboration:initiative_conversation", kwargs={"reference": initiative.reference})


def _conversation(request, initiative, update):
    if not policies.can_read_conversation(request.user, initiative, update):
        raise PermissionDenied(_("Partners do not see the councils' conversations."))
    if request.method == "GET":
        context = conversation_context(request.user, initiative, update)
        return render(request, "collaboration/conversation.html", context)
    if not policies.can_comment(request.user, initiative, update):
        raise PermissionDenied
    parent_pk = request.POST.get("parent", "")
    parent_pk = int(parent_pk) if parent_pk.isdigit() else None
    form = CommentForm(request.POST, auto_id=f"reply-{parent_pk}-%s" if parent_pk else "comment-%s")
    if form.is_valid():
        parent = get_object_or_404(Comment, pk=parent_pk) if parent_pk else None
        try:
            comment = services.comment_post(user=request.user, initiative=initiative, update=update,
                                            body=form.cleaned_data["body"], parent=parent)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your comment was added."))
            back = _next(request, _conversation_url(initiative, update)).split("#")[0]
            return redirect(f"{back}#comment-{comment.pk}")
    context = conversation_context(request.user, initiative, update, form=None if parent_pk else form,
                                   reply_form=form if parent_pk else None, reply_to=parent_pk)
    context["next"] = _next(request, "")
    return render(request, "collaboration/conversation.html", context)


@require_http_methods(["GET", "POST"])
def initiative_conversation(request, reference):
    return _conversation(request, selectors.initiative_by_reference(reference), None)


@require_http_methods(["GET", "POST"])
def update_conversation(request, pk):
    update = selectors.update_for_conversation(user=request.user, pk=pk)
    return _conversation(request, update.initiative, update)


def _comment_page(comment) -> str:
    if comment.update_id:
        path = reverse("collaboration:update_conversation", kwargs={"pk": comment.update_id})
    else:
        path = reverse("collaboration:initiative_conversation", kwargs={"reference": comment.initiative.reference})
    return f"{path}#comment-{comment.pk}"


@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = selectors.comment_by_pk(user=request.user, pk=pk)
    if not policies.can_change_comment(request.user, comment):
        raise PermissionDenied(_("Comments can be changed only by their author, for 15 minutes after writing them."))
    form = CommentForm(request.POST or None, initial={"body": comment.body}, auto_id="comment-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(user=request.user, comment=comment, body=form.cleaned_data["body"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your comment was changed."))
            return redirect(_comment_page(comment))
    return render(request, "collaboration/comment_edit.html", {"form": form, "comment": comment,
                                                                "back": _comment_page(comment)})


@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    comment = selectors.comment_by_pk(user=request.user, pk=pk)
    if not policies.can_delete_comment(request.user, comment):
        raise PermissionDenied(_("Only the author can delete a comment."))
    if request.method == "POST":
        services.comment_delete(user=request.user, comment=comment)
        messages.success(request, _("Your comment was deleted."))
        return redirect(_comment_page(comment))
    return render(request, "collaboration/comment_delete.html", {"comment": comment, "back": _comment_page(comment)})


@require_GET
def mentions(request):
    """Who may be mentioned in a conversation (people who may read it), for the comment form's suggestions."""
    reference, update_pk = request.GET.get("initiative", ""), request.GET.get("update", "")
    if update_pk:
        if not update_pk.isdigit():
            raise Http404
        update = selectors.update_for_conversation(user=request.user, pk=int(update_pk))
        initiative = update.initiative
    else:
        initiative, update = selectors.initiative_by_reference(reference), None
    if not policies.can_comment(request.user, initiative, update):
        raise PermissionDenied
    people = selectors.mention_candidates(initiative=initiative, update=update, text=request.GET.get("q", ""))
    return JsonResponse({"results": [
        {"name": person.get_full_name() or person.email, "email": person.email,
         "organisation": person.council.name if person.council_id else _("Digital Office")}
        for person in people
    ]})


@require_http_methods(["GET", "POST"])
def notifications(request):
    if not policies.can_have_notifications(request.user):
        raise PermissionDenied
    if request.method == "POST":
        pk = request.POST.get("notification")
        services.notifications_mark_read(user=request.user, pk=int(pk) if pk and pk.isdigit() else None)
        if pk:
            return redirect(_next(request, reverse("collaboration:notifications")))
        messages.success(request, _("All your notifications are marked read."))
        return redirect("collaboration:notifications")
    page = Paginator(selectors.notifications(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"notification": n, "url": services.notification_url(n)} for n in page.object_list]
    return render(request, "collaboration/notifications.html", {
        "page": page, "items": items, "unread": selectors.unread_count(request.user)})


@require_http_methods(["GET", "POST"])
def following(request):
    if not policies.can_follow(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = FollowForm(request.POST)
        if not form.is_valid():
            raise Http404
        data = form.cleaned_data
        targets = {}
        if data["initiative"]:
            targets["initiative"] = selectors.initiative_by_reference(data["initiative"])
        elif data["council"]:
            targets["council"] = get_object_or_404(council_selectors.council_list(), pk=data["council"])
        elif data["theme"]:
            targets["theme"] = get_object_or_404(strategy_selectors.theme_list(), pk=data["theme"])
        try:
            services.follow_set(user=request.user, following=data["following"], **targets)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = next(iter(targets.values()))
            messages.success(request, (_("You are following %(name)s.") if data["following"] else
                                       _("You are no longer following %(name)s.")) % {"name": name})
        return redirect(_next(request, reverse("collaboration:following")))
    return render(request, "collaboration/following.html", selectors.following_page(user=request.user))


@require_http_methods(["GET", "POST"])
def settings_page(request):
    if not policies.can_have_notifications(request.user):
        raise PermissionDenied
    preferences = selectors.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, initial={"frequency": preferences.frequency}, auto_id="prefs-%s")
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("collaboration:settings")
    calendar_url = None
    if preferences.pk:
        calendar_url = request.build_absolute_uri(
            reverse("collaboration:calendar_feed", kwargs={"token": preferences.calendar_token}))
    return render(request, "collaboration/settings.html", {
        "form": form, "calendar_url": calendar_url,
        "can_manage_board": policies.can_manage_board_meetings(request.user)})


@require_POST
def calendar_reset(request):
    if not policies.can_have_notifications(request.user):
        raise PermissionDenied
    services.calendar_token_reset(user=request.user)
    messages.success(request, _("Your calendar has a new address: the old one no longer works."))
    return redirect(reverse("collaboration:settings") + "#calendar")


@login_not_required
@require_GET
def calendar_feed(request, token):
    """A person's calendar at their secret address: no sign-in (calendar programs cannot), revoked by a new one."""
    preferences = selectors.preferences_by_token(token)
    if preferences is None:
        raise Http404
    response = HttpResponse(calendar.person_calendar(preferences.person), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="digital-office.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_not_required
@csrf_exempt  # mail programs' one-click unsubscribe (RFC 8058) posts without a form; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop the e-mails from a link in one, without signing in. GET asks (mail scanners follow links), POST does."""
    if person_id_from_unsubscribe_token(token) is None:
        raise Http404
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "collaboration/unsubscribed.html")
    return render(request, "collaboration/unsubscribe.html", {"token": token})


@require_http_methods(["GET"])
def saved_views(request):
    if not policies.can_save_views(request.user):
        raise PermissionDenied
    views = list(selectors.visible_views(request.user).order_by("page", "name"))
    return render(request, "collaboration/saved_views.html", {"views": views, "user": request.user})


@require_http_methods(["GET", "POST"])
def saved_view_save(request):
    if not policies.can_save_views(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    initial = {"page": request.GET.get("page") if request.GET.get("page") in PAGES else SavedView.Page.PORTFOLIO,
               "query": request.GET.get("query", ""), "sharing": SavedView.Sharing.PRIVATE}
    form = SavedViewForm(data, initial=initial, sharing_choices=policies.sharing_choices(request.user),
                         auto_id="view-%s")
    if request.method == "POST" and form.is_valid():
        try:
            view = services.saved_view_save(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect("collaboration:saved_view", pk=view.pk)
    return render(request, "collaboration/saved_view_form.html", {"form": form})


@require_GET
def saved_view_open(request, pk):
    view = selectors.saved_view(user=request.user, pk=pk)
    url = reverse(PAGES[view.page])
    return redirect(f"{url}?{view.query}" if view.query else url)


@require_POST
def saved_view_delete(request, pk):
    view = selectors.saved_view(user=request.user, pk=pk)
    services.saved_view_delete(user=request.user, view=view)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("collaboration:saved_views")


@require_http_methods(["GET", "POST"])
def board_meetings(request):
    """The office's list of board meeting dates: add one, or remove one."""
    if not policies.can_manage_board_meetings(request.user):
        raise PermissionDenied(_("Only Digital Office staff keep the board's dates."))
    form = BoardMeetingForm(request.POST or None, auto_id="meeting-%s")
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.board_meeting_add(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The board meeting of %(day)s is in everyone's calendar feed.") % {
                "day": meeting.held_on.strftime("%-d %B %Y")})
            return redirect("collaboration:board_meetings")
    return render(request, "collaboration/board_meetings.html", {
        "form": form, "meetings": list(selectors.board_meetings())})


@require_POST
def board_meeting_delete(request, pk):
    meeting = selectors.board_meeting(user=request.user, pk=pk)
    services.board_meeting_delete(user=request.user, meeting=meeting)
    messages.success(request, _("The board meeting of %(day)s is removed.") % {
        "day": meeting.held_on.strftime("%-d %B %Y")})
    return redirect("collaboration:board_meetings")
