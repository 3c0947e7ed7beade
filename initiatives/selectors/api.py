"""What the partner API serves of the portfolio: initiatives, milestones, approved updates, risks, benefits,
reports. Partners and keys see approved progress updates only (policies.updates_visible_to)."""

from .. import policies
from ..models import Benefit, Milestone, ProgressUpdate, Report, Risk
from .portfolio import initiative_list


def api_initiatives(*, caller):
    return initiative_list(user=caller).prefetch_related("partners")


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
