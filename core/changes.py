"""How the apps keep the partner API's change feed true (docs/api.md, "The change feed").

Each app connects, in its `receivers.py`, the models whose rows a partner reads: every save is an upsert, every
delete a delete, recorded by `core.services.change_record` inside the transaction that makes the change (Django
sends `post_save` and `post_delete` within it). Saves made through the services, the admin site or a shell all
pass through here. A row that embeds another record's values (a contribution its payments and its council's
name, an initiative its participants) is re-sent, and its `updated_at` moved, when those values change, so both
the feed and `updated_since` see it; and when that record is deleted (`announce_deletes`: an initiative that
named a deleted partner organisation or outcome loses it, and the link rows go by a cascade that sends no
`m2m_changed`).

A data migration that changes what partners see works on historical models, which send no signals here: it
calls `core.services.change_record` (or `touch_and_record` on the real model) itself.

Writes that bypass model signals (`QuerySet.update`, `bulk_create`) call `touch_and_record` themselves.

`horizon_check` says whether the feed is being held back by a long transaction anywhere on the server
(docs/operations.md, "The change feed's horizon").
"""

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from . import cache as portal_cache
from . import security_log
from .models import Change
from .selectors import feed_horizon
from .services import change_record

DELETE = Change.Operation.DELETE


# kind -> the field naming the one council whose records they are (confidential to it), for kinds that have one.
OWNER_FIELDS: dict[str, str] = {}


def _owners(instance, kind):
    field = OWNER_FIELDS.get(kind)
    return {instance.pk: getattr(instance, field)} if field else None


def track(model, kind: str, *, owner_field: str = "", only=None):
    """Record every save of `model` as an upsert of `kind` and every delete as a delete. `owner_field` (such as
    "council_id"): the records are confidential to that council, and their entries say so (core.models.Change).
    `only` (instance -> bool): rows for which it is false never reach a partner, and are not entered at all, so the
    feed does not even tell that they exist (a comment on an update under review)."""
    if owner_field:
        OWNER_FIELDS[kind] = owner_field

    def saved(sender, instance, **kwargs):
        if only is None or only(instance):
            change_record(kind=kind, ids=[instance.pk], owners=_owners(instance, kind))

    def deleted(sender, instance, **kwargs):
        if only is None or only(instance):
            change_record(kind=kind, ids=[instance.pk], operation=DELETE, owners=_owners(instance, kind))

    label = model._meta.label
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"change-feed-save-{label}")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"change-feed-delete-{label}")


def track_embedded(model, parent_field: str, parent_model, parent_kind: str):
    """`model`'s rows are served inside their parent's (payments inside a contribution): a save or delete of one
    re-sends the parent and moves its `updated_at`."""

    def changed(sender, instance, **kwargs):
        touch_and_record(parent_model._default_manager.filter(pk=getattr(instance, parent_field)), parent_kind)

    label = model._meta.label
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"change-feed-parent-save-{label}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"change-feed-parent-delete-{label}")


def remember_before_save(model, fields):
    """Keep on each instance of `model` about to be saved the stored values of `fields` (one query), so that
    `changed_fields` can tell a receiver whether a value that other rows embed (a name, a code) changed."""
    fields = list(fields)

    def remember(sender, instance, update_fields=None, **kwargs):
        instance._values_before_save = {}
        if instance.pk is None or (update_fields is not None and not set(update_fields) & set(fields)):
            return
        stored = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
        instance._values_before_save = stored or {}

    pre_save.connect(remember, sender=model, weak=False, dispatch_uid=f"change-feed-remember-{model._meta.label}")


def announce_changes(model, fields, signal, id_argument: str):
    """When a save of `model` changes one of `fields` (values the layers above embed), send `signal` inside the
    transaction with the record's id as `id_argument` and the changed `fields`, so their receivers re-send the
    records that show them."""
    remember_before_save(model, fields)

    def saved(sender, instance, **kwargs):
        changed = changed_fields(instance)
        if changed:
            signal.send(sender=model, fields=changed, **{id_argument: instance.pk})

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"change-feed-announce-{model._meta.label}")
    announce_deletes(model, fields, signal, id_argument)


def announce_deletes(model, fields, signal, id_argument: str):
    """When a row of `model` is about to be deleted (whatever the door: a service, the admin site, a cascade from
    its parent, a shell), send `signal` with its id as `id_argument` and all of `fields` (every embedded value
    goes), so the receivers above re-send the records that named it and move their `updated_at`. Sent before
    the delete, while the links that find those records still exist: the feed serves each record as it is when
    read, after the transaction, so without the deleted row. (Collector sends pre_delete only once nothing
    protects the row.)"""
    fields = set(fields)

    def deleting(sender, instance, **kwargs):
        signal.send(sender=model, fields=set(fields), **{id_argument: instance.pk})

    pre_delete.connect(deleting, sender=model, weak=False, dispatch_uid=f"change-feed-deleting-{model._meta.label}")


def changed_fields(instance) -> set[str]:
    """The remembered fields whose value this save changed (none for a new row)."""
    before = getattr(instance, "_values_before_save", {})
    return {name for name, value in before.items() if getattr(instance, _attname(instance, name)) != value}


def value_before_save(instance, name):
    """The stored value of a remembered field before this save (None for a new row)."""
    return getattr(instance, "_values_before_save", {}).get(name)


def _attname(instance, name):
    field = instance._meta.get_field(name)
    return field.attname if isinstance(field, models.ForeignKey) else name


def touch_and_record(queryset, kind: str):
    """These rows' served content changed (something they embed did): move their `updated_at` to now, where they
    have one, and re-send them in the feed."""
    ids, owners = _ids_and_owners(queryset, kind)
    if not ids:
        return
    model = queryset.model
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        model._default_manager.filter(pk__in=ids).update(updated_at=timezone.now())
    change_record(kind=kind, ids=ids, owners=owners)


def record_rows(queryset, kind: str, *, batch_size: int = 1000) -> int:
    """A bulk load wrote these rows without signals (seeding's `bulk_create`, `bulk_update`): enter them in the
    feed as upserts, keeping their `updated_at` (the load set it). Each batch of ids in a transaction of its own
    when called outside one, so a long load never holds the feed's horizon. Returns how many were entered."""
    ids, owners = _ids_and_owners(queryset, kind)
    for start in range(0, len(ids), batch_size):
        batch = ids[start:start + batch_size]
        with transaction.atomic():
            change_record(kind=kind, ids=batch, owners={pk: owners[pk] for pk in batch} if owners else None)
    return len(ids)


def _ids_and_owners(queryset, kind):
    owner_field = OWNER_FIELDS.get(kind)
    if owner_field:
        owners = dict(queryset.order_by().values_list("pk", owner_field).distinct())
        return sorted(owners), owners
    return sorted(queryset.order_by().values_list("pk", flat=True).distinct()), None


def renew_on_writes(app_label: str, *, workflow_only=None):
    """Figures cached for staff under the STAFF_DATA token (core.cache: the dashboard) read more than a partner
    does: settings, contributions, assessments. Every save, delete or link change of a model of this app renews it
    when the transaction commits, whether or not the change feed records the change. (What the feed records renews
    PARTNER_DATA as well: core.services.change_record. Bulk loads renew both themselves:
    seeding.planner_statistics.)

    `workflow_only` ({model: test(instance)}): a save or delete of such a row that passes the test changes only
    the workflow (a draft saved, an update submitted or returned: no approved figure) and renews only the WORKFLOW
    token, so the figures of approved data stay cached.

    Connected per model of the app, never for every sender: a receiver of every model's deletes would turn off
    Django's fast delete everywhere (the API request log's prune took 202 queries instead of 2). A history row
    (django-simple-history's, which has `instance_type`) is saved with the row it records, which renews already."""

    workflow_only = workflow_only or {}

    def written(sender, instance=None, **kwargs):
        only_workflow = workflow_only.get(sender)
        if only_workflow is not None and instance is not None and only_workflow(instance):
            portal_cache.renew(portal_cache.WORKFLOW)
        else:
            portal_cache.renew(portal_cache.STAFF_DATA)

    for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
        if hasattr(model, "instance_type"):
            continue
        label = model._meta.label
        if not model._meta.auto_created:
            post_save.connect(written, sender=model, weak=False, dispatch_uid=f"staff-data-save-{label}")
            post_delete.connect(written, sender=model, weak=False, dispatch_uid=f"staff-data-delete-{label}")
    for model in apps.get_app_config(app_label).get_models():
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            m2m_changed.connect(written, sender=through, weak=False,
                                dispatch_uid=f"staff-data-links-{through._meta.label}")


HORIZON_LOGGED_KEY = "portal:feed-horizon-logged:{pid}:{xid}"
HORIZON_LOG_EVERY_SECONDS = 60


def horizon_check(*, kinds=None, report=None) -> dict:
    """The feed's horizon now (core.selectors.feed_horizon, or its `report` already read: FeedState.report) with
    `held`: the oldest open transaction is older than CHANGE_FEED_HORIZON_WARNING_SECONDS. A held horizon is
    written to the security/ops log with the backend that holds it (pid, database, age, state), once a minute per
    blocking transaction."""
    horizon = dict(report) if report is not None else feed_horizon(kinds=kinds)
    threshold = settings.CHANGE_FEED_HORIZON_WARNING_SECONDS
    horizon["held"] = bool(horizon["age_seconds"] is not None and horizon["age_seconds"] >= threshold)
    blocker = horizon["blocker"]
    if horizon["held"] and blocker is not None:
        try:
            first = cache.add(HORIZON_LOGGED_KEY.format(**blocker), 1, timeout=HORIZON_LOG_EVERY_SECONDS)
        except Exception:  # a cache that cannot answer must not hide the warning
            first = True
        if first:
            security_log.event(
                "change_feed_horizon_held", threshold_seconds=threshold, held_back=horizon["held_back"],
                **{f"blocker_{name}": value for name, value in blocker.items()},
            )
    return horizon
