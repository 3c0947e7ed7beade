"""What the partner API serves of the portfolio: initiatives, milestones, approved updates, risks, benefits,
reports. Partners and keys see approved progress updates only (policies.updates_visible_to)."""

from collections import defaultdict

from .. import policies
from ..models import Benefit, Initiative, Milestone, Participation, ProgressUpdate, Report, Risk
from .portfolio import with_list_relations


def api_initiatives(*, caller):
    """Every initiative (every role reads the portfolio); the `overdue` filter brings its own condition."""
    return with_list_relations(Initiative.objects.all()).prefetch_related("partners")


def api_initiative_links(initiative_ids) -> dict:
    """What an initiative's API row nests, as plain values, for these initiatives (three queries, no model objects):
    {"participants": {id: [row, ...]} in the model's order, "outcomes": {id: [number, ...]},
    "partners": {id: [slug, ...]}}."""
    links = {"participants": defaultdict(list), "outcomes": defaultdict(list), "partners": defaultdict(list)}
    # The model's order within each initiative (role, council name); ordering by the id, not the initiative's
    # reference as the model does, spares a join.
    participants = Participation.objects.filter(initiative_id__in=initiative_ids).order_by(
        "initiative_id", "role", "council__name"
    ).values("initiative_id", "council__gss_code", "council__name", "role", "joined_on")
    for row in participants:
        links["participants"][row["initiative_id"]].append(row)
    outcomes = Initiative.outcomes.through.objects.filter(initiative_id__in=initiative_ids)
    for initiative_id, number in outcomes.values_list("initiative_id", "outcome__number"):
        links["outcomes"][initiative_id].append(number)
    partners = Initiative.partners.through.objects.filter(initiative_id__in=initiative_ids)
    for initiative_id, slug in partners.values_list("initiative_id", "partnerorganisation__slug"):
        links["partners"][initiative_id].append(slug)
    return links


def api_milestones(*, caller):
    return Milestone.objects.select_related("initiative")


def api_updates(*, caller):
    return policies.updates_visible_to(caller, ProgressUpdate.objects.select_related("initiative", "period", "council"))


def api_risks(*, caller):
    return Risk.objects.select_related("initiative")


def api_benefits(*, caller):
    return Benefit.objects.select_related("initiative", "council")


def api_reports(*, caller):
    return Report.objects.select_related("period", "council")
