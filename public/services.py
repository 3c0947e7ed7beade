"""Publishing the public portfolio: the monthly snapshot (one per period, idempotent), and the office's publish and
withdraw decisions, which rewrite what is served at once (pages, caches and every stored snapshot file)."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import selectors as portfolio
from initiatives import services as portfolio_services

from . import files, policies, selectors
from .models import Publication


def _prefix(period_start: str, generation: int) -> str:
    return f"public/{period_start[:7]}/g{generation}"


def _tables(snapshot: dict, history: list) -> dict:
    return {
        "initiatives": snapshot["initiatives"], "status-history": history,
        "milestones": snapshot["milestones"], "benefits": snapshot["benefits"],
    }


def _changelog(before: dict | None, after: dict) -> list[dict]:
    """What changed since the previous publication, initiative by initiative, in words a citizen reads."""
    if before is None:
        return [{"reference": None, "change": _("First publication.")}]
    old = {row["reference"]: row for row in before.get("initiatives", [])}
    new = {row["reference"]: row for row in after["initiatives"]}
    changes = []
    for reference in sorted(set(old) | set(new)):
        if reference not in old:
            changes.append({"reference": reference, "change": _("Added to the public portfolio.")})
        elif reference not in new:
            changes.append({"reference": reference, "change": _("No longer in the public portfolio.")})
        else:
            a, b = old[reference], new[reference]
            if a["stage"] != b["stage"]:
                changes.append({"reference": reference, "change": _("Stage changed from %(old)s to %(new)s.") % {
                    "old": a["stage"], "new": b["stage"]}})
            for axis, label in (("rag_delivery", _("Delivery")), ("rag_benefits", _("Benefits"))):
                was, now = (a.get("status") or {}).get(axis), (b.get("status") or {}).get(axis)
                if was != now and now:
                    changes.append({"reference": reference, "change": _("%(axis)s rated %(new)s (was %(old)s).") % {
                        "axis": label, "new": now, "old": was or _("not rated")}})
    return changes or [{"reference": None, "change": _("No change to the public portfolio.")}]


def approvals_closed(period, *, on: datetime.date) -> bool:
    """A period's approvals are closed once its window has closed and either no update waits for review or
    settings.PUBLIC_PUBLISH_DAYS_AFTER_DUE days have passed since the due date."""
    if period.submission_due_on >= on:
        return False
    if on >= period.submission_due_on + datetime.timedelta(days=settings.PUBLIC_PUBLISH_DAYS_AFTER_DUE):
        return True
    return not portfolio.update_records().filter(period=period, state=portfolio.UpdateState.SUBMITTED).exists()


@transaction.atomic
def publication_publish(*, period) -> tuple[Publication, bool]:
    """The period's publication, made once: a second call (a retry, a duplicate delivery) returns the first."""
    existing = Publication.objects.filter(period=period).first()
    if existing is not None:
        return existing, False
    previous = Publication.objects.filter(period__starts_on__lt=period.starts_on).order_by("-period__starts_on").first()
    ids = selectors.public_initiative_ids()
    snapshot = selectors.snapshot(period, ids=ids)
    saved = files.write(_prefix(snapshot["period"]["starts_on"], 1), snapshot["period"],
                        _tables(snapshot, selectors.status_history(ids, period)))
    now = timezone.now()
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                period=period, published_at=now, modified_at=now, data=snapshot, files=saved,
                changelog=_changelog(previous.data if previous else None, snapshot), is_demo=period.is_demo,
            )
    except IntegrityError:  # published meanwhile by another worker: keep theirs
        files.remove(saved)
        return Publication.objects.get(period=period), False
    return publication, True


def publication_publish_due(*, on: datetime.date | None = None) -> int | None:
    """The Celery job's service: publish the last closed period once its approvals are closed."""
    on = on or timezone.localdate()
    period = portfolio.last_closed_period(on=on)
    if period is None or not approvals_closed(period, on=on):
        return None
    publication, _created = publication_publish(period=period)
    return publication.pk


def _rewrite(publication: Publication, snapshot: dict, tables: dict, note: list) -> None:
    old_files = publication.files
    publication.generation += 1
    publication.files = files.write(_prefix(snapshot["period"]["starts_on"], publication.generation),
                                    snapshot["period"], tables)
    publication.data = snapshot
    publication.modified_at = timezone.now()
    publication.changelog = [*publication.changelog, *note]
    publication.save()
    transaction.on_commit(lambda: files.remove(old_files))


def publications_refresh(*, withdrawn: set[str], note: list) -> None:
    """After the office's decision: the latest publication rebuilt with what is public now (as of its period), and
    every older one with the withdrawn initiatives taken out of its pages and files."""
    latest = Publication.objects.select_for_update().select_related("period").first()
    if latest is None:
        return
    ids = selectors.public_initiative_ids()
    snapshot = selectors.snapshot(latest.period, ids=ids)
    _rewrite(latest, snapshot, _tables(snapshot, selectors.status_history(ids, latest.period)), note)
    if not withdrawn:
        return
    for publication in Publication.objects.select_for_update().exclude(pk=latest.pk):
        if not any(row["reference"] in withdrawn for row in publication.data.get("initiatives", [])):
            continue
        data = dict(publication.data)
        for kind in ("initiatives", "milestones", "benefits"):
            data[kind] = [row for row in data.get(kind, []) if row["reference"] not in withdrawn]
        data["councils"] = selectors.council_cells(data["initiatives"])
        tables = {name: [row for row in rows if row["reference"] not in withdrawn]
                  for name, rows in files.read_tables(publication.files).items()}
        _rewrite(publication, data, tables, note)


@transaction.atomic
def initiative_publication_set(*, user, reference: str, publication: str):
    """Publish or withdraw an initiative (or leave it to its stage): in its history, and served at once."""
    if not policies.can_manage_publication(user):
        raise PermissionDenied(_("Only the Digital Office decides what is public."))
    initiative = portfolio.initiative_records().get(reference=reference)
    was_public = selectors.is_public(initiative)
    portfolio_services.initiative_publication_set(user=user, initiative=initiative, publication=publication)
    now_public = selectors.is_public(initiative)
    if was_public == now_public:
        return initiative
    change = _("Added to the public portfolio.") if now_public else _("No longer in the public portfolio.")
    publications_refresh(withdrawn=set() if now_public else {reference},
                         note=[{"reference": reference, "change": change, "on": timezone.localdate().isoformat()}])
    return initiative
