"""Writes to the portfolio. Each service checks the actor's rights (policies), validates with
full_clean(), runs in a transaction, and refuses a save that started from an older version."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import touch_and_record
from core.services import change_record

from . import benefit_services, events, gates, policies, receivers, selectors
from .models import (
    Benefit,
    Initiative,
    JoinRequest,
    Milestone,
    Participation,
    PeriodReopening,
    ProgressUpdate,
    Rag,
    Risk,
)


@dataclass
class StaleEdit(Exception):
    """Someone else saved the record after this person opened it: nothing was saved."""

    current: object
    changes: list  # (field label, their value) pairs that differ from what this person started from
    saved_by: object = None  # who made the version this person's save ran into, when the history says
    saved_at: object = None

    def __str__(self):
        return _("Someone else changed this record while you were editing it. Nothing was saved.")


# The version a person starts from when the record does not exist yet (the form of an update not yet begun; the
# update form's state, in selectors/update_form.py, starts from it).
NOT_YET_SAVED = selectors.NOT_YET_SAVED


def _display(model, name, value):
    """A stored value as people read it: the label of a choice rather than its code."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field the model no longer has is shown as stored
        return value
    if getattr(field, "flatchoices", None):
        return dict(field.flatchoices).get(value, value)
    return value


def _changes_since(instance, version, fields=()):
    """Fields changed by others since `version`, using the record's history.

    From NOT_YET_SAVED (the person opened the form before the record existed) everything in the record is
    someone else's: each of `fields` that has a value is listed, so the person sees the other person's text."""
    labels = {f.name: f.verbose_name for f in instance._meta.fields}
    if version == NOT_YET_SAVED:
        return [
            (str(labels[name]), _display(type(instance), name, getattr(instance, name)))
            for name in fields
            if getattr(instance, name) not in (None, "")
        ]
    history = list(instance.history.all())  # newest first
    base = next((h for h in history if getattr(h, "version", None) == version), None)
    newest = history[0] if history else None
    if base is None or newest is None or base.pk == newest.pk:
        return []
    delta = newest.diff_against(base)
    return [
        (str(labels.get(change.field, change.field)), _display(type(instance), change.field, change.new))
        for change in delta.changes
        if change.field != "version"
    ]


def _stale_edit(instance, version, fields=()):
    latest = instance.history.first()
    return StaleEdit(
        current=instance,
        changes=_changes_since(instance, version, fields),
        saved_by=latest.history_user if latest else None,
        saved_at=latest.history_date if latest else None,
    )


def _check_version(instance, version):
    if version is not None and int(version) != instance.version:
        raise _stale_edit(instance, int(version))


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


# -- initiatives ------------------------------------------------------------------------------


def next_reference() -> str:
    numbers = [
        int(ref.split("-")[1])
        for ref in Initiative.objects.filter(reference__regex=r"^DO-[0-9]+$").values_list("reference", flat=True)
    ]
    return f"DO-{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def initiative_create(
    *, user, title, summary, theme, lead_council, stage, outcomes=(), partners=(), observers=(), **fields
) -> Initiative:
    """A new initiative led by `lead_council`; `observers` (councils) take part as observers from the start (the
    councils a contracts-radar draft names)."""
    if not policies.can_create_initiative(user, lead_council_id=lead_council.pk):
        raise PermissionDenied(_("You may only create initiatives led by your own council."))
    initiative = Initiative(
        reference=next_reference(),
        title=title,
        summary=summary,
        theme=theme,
        lead_council=lead_council,
        stage=stage,
        owner=user,
        **fields,
    )
    # Initiative.clean names the field at fault; the date constraint only guards the table.
    initiative.full_clean(validate_constraints=False)
    initiative.save()
    initiative.outcomes.set(outcomes)
    initiative.partners.set(partners)
    Participation.objects.create(
        initiative=initiative, council=lead_council, role=Participation.Role.LEAD, joined_on=timezone.localdate()
    )
    for council in observers:
        if council.pk != lead_council.pk:
            Participation.objects.create(initiative=initiative, council=council, role=Participation.Role.OBSERVER,
                                         joined_on=timezone.localdate())
    return initiative


INITIATIVE_EDITABLE = ("title", "summary", "theme", "stage", "start_date", "end_date", "budget")


@transaction.atomic
def initiative_update(*, user, initiative, version, outcomes=None, partners=None, **fields) -> Initiative:
    initiative = _lock(Initiative, initiative.pk)
    if not policies.can_edit_initiative(user, initiative):
        raise PermissionDenied(_("Only the Digital Office and editors of the lead council may edit this initiative."))
    _check_version(initiative, version)
    stage_before = initiative.stage
    for name, value in fields.items():
        if name not in INITIATIVE_EDITABLE:
            raise ValueError(f"{name} cannot be edited here")
        setattr(initiative, name, value)
    initiative.full_clean(validate_constraints=False)
    if initiative.stage != stage_before:
        gates.check_stage_change(initiative=initiative, old_stage=stage_before, new_stage=initiative.stage)
    initiative.version += 1
    initiative.save()
    if initiative.stage != stage_before:
        transaction.on_commit(
            lambda: events.initiative_stage_changed.send(
                sender=Initiative, initiative_id=initiative.pk, old_stage=stage_before, new_stage=initiative.stage
            )
        )
    if outcomes is not None:
        initiative.outcomes.set(outcomes)
    if partners is not None:
        initiative.partners.set(partners)
    return initiative


@transaction.atomic
def initiative_publication_set(*, user, initiative, publication) -> Initiative:
    """Publish or withhold an initiative (or leave it to its stage); kept in its history like any edit."""
    if not policies.can_set_publication(user):
        raise PermissionDenied(_("Only the Digital Office decides what is public."))
    initiative = _lock(Initiative, initiative.pk)
    initiative.publication = publication
    initiative.full_clean(validate_constraints=False)
    initiative.version += 1
    initiative._change_reason = f"public portfolio: {publication}"
    initiative.save()
    return initiative


@transaction.atomic
def join_request_create(*, user, initiative, role) -> JoinRequest:
    """Ask for the user's council to take part; nothing changes until the lead council or the Digital Office accept."""
    if role not in (Participation.Role.ADOPTER, Participation.Role.OBSERVER):
        raise ValidationError({"role": _("Choose adopter or observer.")})
    if not policies.can_join_initiative(user, initiative):
        raise PermissionDenied(_("Only an editor of a council not yet taking part may ask to join this initiative."))
    if JoinRequest.objects.filter(
        initiative=initiative, council=user.council_id, state=JoinRequest.State.PENDING
    ).exists():
        raise ValidationError(_("Your council has already asked to join this initiative."))
    join_request = JoinRequest(initiative=initiative, council=user.council, role=role, requested_by=user)
    join_request.full_clean()
    join_request.save()
    return join_request


@transaction.atomic
def join_request_decide(*, user, join_request, accept: bool) -> JoinRequest:
    """Accept (the council takes part in the role it asked for) or refuse a request to join."""
    join_request = JoinRequest.objects.select_for_update().select_related("initiative").get(pk=join_request.pk)
    initiative = join_request.initiative
    if not policies.can_decide_join_requests(user, initiative):
        raise PermissionDenied(_("Only the lead council's editors and the Digital Office decide who joins."))
    if join_request.state != JoinRequest.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    join_request.state = JoinRequest.State.ACCEPTED if accept else JoinRequest.State.REFUSED
    join_request.decided_by = user
    join_request.decided_at = timezone.now()
    join_request.full_clean(validate_constraints=False)
    join_request.save()
    if accept:
        participation = Participation(
            initiative=initiative, council_id=join_request.council_id, role=join_request.role,
            joined_on=timezone.localdate(),
        )
        participation.full_clean()
        participation.save()  # moves the initiative's updated_at and re-sends it (receivers)
    return join_request


# -- progress updates -------------------------------------------------------------------------

# What the update form writes (selectors/update_form.py, where the form's state starts from it too).
UPDATE_FIELDS = selectors.UPDATE_FIELDS


def update_validate_for_submission(update):
    """Amber and Red need a commentary that explains them before the update goes to the Digital Office."""
    errors = {}
    for axis in ProgressUpdate.RAG_AXES:
        if getattr(update, f"rag_{axis}") in (Rag.AMBER, Rag.RED) and not getattr(update, f"{axis}_commentary").strip():
            label = ProgressUpdate._meta.get_field(f"rag_{axis}").verbose_name
            errors[f"{axis}_commentary"] = _("Explain why %(axis)s is Amber or Red before you submit.") % {
                "axis": label}
    if errors:
        raise ValidationError(errors)


def _check_writable(user, update, *, initiative, period):
    """Refuse a write the policy refuses (policies.update_writable), saying why: 403 for someone who does not write
    this initiative's updates; a closed period; an update submitted or approved meanwhile."""
    writable = policies.update_writable(
        user, initiative, period=period, update=update,
        writable_period_ids={p.pk for p in selectors.writable_periods(initiative)},
    )
    if writable.refusal == policies.UpdateWritable.NOT_A_WRITER:
        raise PermissionDenied(_("Only editors of the lead or an adopting council may write and submit this "
                                 "initiative's updates."))
    if writable.refusal == policies.UpdateWritable.PERIOD_CLOSED:
        raise ValidationError(
            _("Updates for %(period)s are closed: write the update for the open period, or ask the Digital Office "
              "to reopen this one.") % {"period": period.label}
        )
    if writable.refusal == policies.UpdateWritable.MOVED_ON:
        raise update_moved_on(update)


@transaction.atomic
def update_save_draft(*, user, initiative, period, version, **fields) -> ProgressUpdate:
    """Create or revise the update of `initiative` for `period`, as a draft (or keep it returned).

    `version` is the version the person started from: NOT_YET_SAVED when they opened the form before the
    update existed. A save from any other version than the update's own is refused with StaleEdit, the first
    save included: of two people who both began the update, the second to save is shown the first one's text.
    """
    # First saves of one update queue here, behind a lock on the initiative: the second finds the first's update.
    _lock(Initiative, initiative.pk)
    update = ProgressUpdate.objects.select_for_update().filter(initiative=initiative, period=period).first()
    _check_writable(user, update, initiative=initiative, period=period)
    started_from = NOT_YET_SAVED if version in (None, "") else int(version)
    if update is None:
        council = user.council if user.council_id else initiative.lead_council
        update = ProgressUpdate(initiative=initiative, period=period, council=council, author=user)
    else:
        if started_from != update.version:
            raise _stale_edit(update, started_from, UPDATE_FIELDS)
        update.version = update.version + 1
    for name in UPDATE_FIELDS:
        if name in fields:
            setattr(update, name, fields[name])
    update.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():  # a database that cannot lock rows still refuses a second first save
            update.save()
    except IntegrityError:
        theirs = ProgressUpdate.objects.get(initiative=initiative, period=period)
        raise _stale_edit(theirs, NOT_YET_SAVED, UPDATE_FIELDS) from None
    return update


def update_moved_on(update) -> ValidationError:
    """Why an update can no longer be changed, naming who moved it on and when."""
    return ValidationError(selectors.update_moved_on_reason(update))


@transaction.atomic
def update_save(*, user, initiative, period, version, submit: bool = False, **fields) -> ProgressUpdate:
    """What the update form's two buttons do: save a draft, or save and submit."""
    save = update_save_and_submit if submit else update_save_draft
    return save(user=user, initiative=initiative, period=period, version=version, **fields)


@transaction.atomic
def update_save_and_submit(*, user, initiative, period, version, **fields) -> ProgressUpdate:
    """Save what was written and submit it, in one go: if it cannot be submitted, nothing is saved."""
    update = update_save_draft(user=user, initiative=initiative, period=period, version=version, **fields)
    return update_submit(user=user, update=update, version=update.version)


@transaction.atomic
def update_submit(*, user, update, version=None) -> ProgressUpdate:
    update = _lock(ProgressUpdate, update.pk)
    _check_writable(user, update, initiative=update.initiative, period=update.period)
    _check_version(update, version)
    update_validate_for_submission(update)
    update.state = ProgressUpdate.State.SUBMITTED
    update.submitted_at = timezone.now()
    update.submitted_by = user
    update.version += 1
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def update_approve(*, user, update, version=None) -> ProgressUpdate:
    update = _lock(ProgressUpdate, update.pk)
    if not policies.can_review_updates(user):
        raise PermissionDenied(_("Only Digital Office staff approve updates."))
    if not policies.can_review_update(user, drafted_by=selectors.update_drafters(update)):
        raise PermissionDenied(_("You drafted or submitted this update: another member of staff must review it."))
    if update.state != ProgressUpdate.State.SUBMITTED:
        raise ValidationError(
            _("Only a submitted update can be approved; this one is %(state)s.")
            % {"state": update.get_state_display().lower()}
        )
    _check_version(update, version)
    update.state = ProgressUpdate.State.APPROVED
    update.reviewed_at = timezone.now()
    update.reviewed_by = user
    update.version += 1
    update.save()
    _refresh_current_status(update.initiative_id)
    transaction.on_commit(lambda: events.update_approved.send(sender=ProgressUpdate, update_id=update.pk))
    return update


@transaction.atomic
def update_return(*, user, update, comment, version=None) -> ProgressUpdate:
    update = _lock(ProgressUpdate, update.pk)
    if not policies.can_review_updates(user):
        raise PermissionDenied(_("Only Digital Office staff return updates."))
    if not policies.can_review_update(user, drafted_by=selectors.update_drafters(update)):
        raise PermissionDenied(_("You drafted or submitted this update: another member of staff must review it."))
    if update.state != ProgressUpdate.State.SUBMITTED:
        raise ValidationError(
            _("Only a submitted update can be returned; this one is %(state)s.")
            % {"state": update.get_state_display().lower()}
        )
    if not comment.strip():
        raise ValidationError({"review_comment": _("Say what the council should change before resubmitting.")})
    _check_version(update, version)
    update.state = ProgressUpdate.State.RETURNED
    update.review_comment = comment.strip()
    update.reviewed_at = timezone.now()
    update.reviewed_by = user
    update.version += 1
    update.save()
    transaction.on_commit(lambda: events.update_returned.send(sender=ProgressUpdate, update_id=update.pk))
    return update


def _refresh_current_status(initiative_id):
    """The initiative's current status is its latest approved update; the one before it is its previous status."""
    latest_two = list(
        ProgressUpdate.objects.filter(initiative_id=initiative_id, state=ProgressUpdate.State.APPROVED)
        .order_by("-period__starts_on")
        .values_list("pk", flat=True)[:2]
    )
    latest_two += [None] * (2 - len(latest_two))
    Initiative.objects.filter(pk=initiative_id).update(
        current_update_id=latest_two[0], previous_update_id=latest_two[1], updated_at=timezone.now()
    )
    change_record(kind=receivers.INITIATIVE, ids=[initiative_id])


@transaction.atomic
def period_reopen(*, user, initiative, reason) -> PeriodReopening:
    """Reopen the last closed reporting period for one initiative (kept in its change history)."""
    if not policies.can_reopen_period(user):
        raise PermissionDenied(_("Only Digital Office staff reopen a reporting period."))
    period = selectors.last_closed_period()
    if period is None:
        raise ValidationError(_("No reporting period has closed yet."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the period is reopened.")})
    if PeriodReopening.objects.filter(initiative=initiative, period=period).exists():
        raise ValidationError(_("%(period)s is already reopened for this initiative.") % {"period": period.label})
    reopening = PeriodReopening(initiative=initiative, period=period, reason=reason.strip(), reopened_by=user)
    reopening.full_clean()
    reopening.save()
    return reopening


# -- milestones, risks, benefits --------------------------------------------------------------

REGISTER_MODELS = {"milestone": Milestone, "risk": Risk, "benefit": Benefit}


def _check_benefit(user, initiative, item, before):
    """A council records benefits only for itself (its confirmations and grades are its realisations')."""
    if before is not None and not policies.can_record_benefit_for(user, initiative, before["council_id"]):
        raise PermissionDenied(_("Only the council a benefit belongs to may change it."))
    if not policies.can_record_benefit_for(user, initiative, item.council_id):
        raise PermissionDenied(_("Your council may record benefits for itself only."))


@transaction.atomic
def register_item_save(*, user, initiative, kind, instance=None, **fields):
    """Create or edit a milestone, risk or benefit of an initiative (a benefit with its yearly target profile)."""
    if not policies.can_keep_registers(user, initiative):
        raise PermissionDenied(_("Only editors of the lead or an adopting council may change this initiative's "
                                 "registers."))
    model = REGISTER_MODELS[kind]
    item = instance or model(initiative=initiative)
    if item.initiative_id != initiative.pk:
        raise PermissionDenied
    before = None
    profile = fields.pop("target_profile", None) if kind == "benefit" else None
    if kind == "benefit" and item.pk:
        before = model.objects.filter(pk=item.pk).values("council_id").get()
    for name, value in fields.items():
        setattr(item, name, value)
    if kind == "benefit":
        _check_benefit(user, initiative, item, before)
        if profile:
            item.target_value = sum(profile.values())
    item.full_clean()
    item.save()
    if kind == "benefit":
        if profile is not None:
            benefit_services.benefit_targets_set(benefit=item, profile=profile)
        benefit_services.benefit_share_default(item)
    touch_and_record(Initiative.objects.filter(pk=initiative.pk), receivers.INITIATIVE)
    return item


@transaction.atomic
def register_item_delete(*, user, item):
    if not policies.can_keep_registers(user, item.initiative):
        raise PermissionDenied(_("Only editors of the lead or an adopting council may change this initiative's "
                                 "registers."))
    if isinstance(item, Benefit) and not policies.can_record_benefit_for(user, item.initiative, item.council_id):
        raise PermissionDenied(_("Only the council a benefit belongs to may delete it."))
    item.delete()
