"""What the partner API serves of the portfolio: initiatives, milestones, approved updates, risks, benefits,
reports. Partners and keys see approved progress updates only (policies.updates_served_by_api)."""

import json
from collections import defaultdict

from django.db import connection
from django.db.models.expressions import RawSQL

from core.api import json_rows

from .. import policies
from ..models import (
    Benefit,
    BenefitRealisation,
    BenefitShare,
    BenefitTarget,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Report,
    Risk,
)
from .portfolio import with_list_relations


def api_initiatives():
    """Every initiative (every role reads the portfolio); the `overdue` filter brings its own condition."""
    return with_list_relations(Initiative.objects.all()).prefetch_related("partners")


PARTICIPANT_VALUES = ("council__gss_code", "council__name", "role", "joined_on")


def _link_tables() -> tuple[str, ...]:
    """The tables of what an initiative's API row nests: initiatives, participations, councils, the outcome links,
    outcomes, the partner links, partners."""
    return (
        Initiative._meta.db_table, Participation._meta.db_table,
        Participation.council.field.related_model._meta.db_table,
        Initiative.outcomes.through._meta.db_table, Initiative.outcomes.field.related_model._meta.db_table,
        Initiative.partners.through._meta.db_table, Initiative.partners.field.related_model._meta.db_table,
    )


def _links_sql() -> dict:
    """Per initiative of the page query: its participants (as the model orders them), outcome numbers and partner
    slugs, aggregated by PostgreSQL. The participants' JSON comes as text: a filter may make the query DISTINCT,
    and json has no equality (jsonb has, but took three times as long to build)."""
    initiative, participation, council, outcomes, outcome, partners, partner = _link_tables()
    return {
        "links_participants": (
            f"SELECT json_agg(json_build_array(c.gss_code, c.name, p.role, p.joined_on) ORDER BY p.role, c.name)::text "
            f"FROM {participation} p JOIN {council} c ON c.id = p.council_id WHERE p.initiative_id = {initiative}.id"
        ),
        "links_outcomes": (
            f"SELECT array_agg(o.number) FROM {outcomes} l JOIN {outcome} o ON o.id = l.outcome_id "
            f"WHERE l.initiative_id = {initiative}.id"
        ),
        "links_partners": (
            f"SELECT array_agg(o.slug) FROM {partners} l JOIN {partner} o ON o.id = l.partnerorganisation_id "
            f"WHERE l.initiative_id = {initiative}.id"
        ),
    }


def api_initiative_json_lists(participant_json: str) -> dict:
    """The SQL of what an initiative's API row nests, each as JSON text (core.api.json_rows: the page query writes
    the rows' JSON): participants (`participant_json`: one participant's, over `p` and its council `c`) in the
    model's order, outcome numbers and partner slugs sorted as Python sorts them (partners by code point: the C
    collation). One subquery each per row, correlated on the initiatives table of the page query."""
    initiative, participation, council, outcomes, outcome, partners, partner = _link_tables()
    return {
        "outcomes": json_rows.json_list(
            f"SELECT string_agg(o.number::text, ',' ORDER BY o.number) FROM {outcomes} l "
            f"JOIN {outcome} o ON o.id = l.outcome_id WHERE l.initiative_id = {initiative}.id"
        ),
        "participants": json_rows.json_list(
            f"SELECT string_agg({participant_json}, ',' ORDER BY p.role, c.name) FROM {participation} p "
            f"JOIN {council} c ON c.id = p.council_id WHERE p.initiative_id = {initiative}.id"
        ),
        "partners": json_rows.json_list(
            f"SELECT string_agg({json_rows.json_string('o.slug')}, ',' ORDER BY o.slug COLLATE \"C\") "
            f"FROM {partners} l JOIN {partner} o ON o.id = l.partnerorganisation_id "
            f"WHERE l.initiative_id = {initiative}.id"
        ),
    }


def with_api_links(queryset):
    """On PostgreSQL, the page query also brings what each initiative's API row nests (api_initiative_links_of
    reads it): one query for the page instead of four, and no ORM row per participant. Elsewhere, unchanged."""
    if connection.vendor != "postgresql":
        return queryset
    return queryset.annotate(**{name: RawSQL(f"({sql})", ()) for name, sql in _links_sql().items()})


def _json(value):
    """The participants' JSON text (see _links_sql), or a list already decoded."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str | bytes) else value


def api_initiative_links_of(values_rows) -> dict:
    """What the initiatives of these values() rows nest: {pk: (participants, outcome numbers, partner slugs)},
    participants as dicts of PARTICIPANT_VALUES in the model's order. From the rows themselves when the page query
    brought it (with_api_links), else three queries."""
    if values_rows and "links_participants" in values_rows[0]:
        return {
            values["pk"]: (
                [dict(zip(PARTICIPANT_VALUES, row, strict=True)) for row in _json(values["links_participants"])],
                values["links_outcomes"] or [],
                values["links_partners"] or [],
            )
            for values in values_rows
        }
    links = api_initiative_links([values["pk"] for values in values_rows])
    return {
        values["pk"]: (
            links["participants"].get(values["pk"], []),
            links["outcomes"].get(values["pk"], []),
            links["partners"].get(values["pk"], []),
        )
        for values in values_rows
    }


def api_initiative_links(initiative_ids) -> dict:
    """What an initiative's API row nests, as plain values, for these initiatives (three queries, no model objects):
    {"participants": {id: [row, ...]} in the model's order, "outcomes": {id: [number, ...]},
    "partners": {id: [slug, ...]}}."""
    links = {"participants": defaultdict(list), "outcomes": defaultdict(list), "partners": defaultdict(list)}
    # The model's order within each initiative (role, council name); ordering by the id, not the initiative's
    # reference as the model does, spares a join.
    participants = Participation.objects.filter(initiative_id__in=initiative_ids).order_by(
        "initiative_id", "role", "council__name"
    ).values("initiative_id", *PARTICIPANT_VALUES)
    for row in participants:
        links["participants"][row["initiative_id"]].append(row)
    outcomes = Initiative.outcomes.through.objects.filter(initiative_id__in=initiative_ids)
    for initiative_id, number in outcomes.values_list("initiative_id", "outcome__number"):
        links["outcomes"][initiative_id].append(number)
    partners = Initiative.partners.through.objects.filter(initiative_id__in=initiative_ids)
    for initiative_id, slug in partners.values_list("initiative_id", "partnerorganisation__slug"):
        links["partners"][initiative_id].append(slug)
    return links


def api_milestones():
    return Milestone.objects.select_related("initiative")


def api_updates():
    return policies.updates_served_by_api(ProgressUpdate.objects.select_related("initiative", "period", "council"))


def api_risks():
    return Risk.objects.select_related("initiative")


def api_benefits():
    return Benefit.objects.select_related("initiative", "council").prefetch_related(
        "targets", "shares__council", "realisations__council")


def api_benefit_parts(pks) -> dict:
    """{benefit id: (targets, shares, realisations)} as value tuples, for a page of the benefits list: 3 queries."""
    parts = {pk: ([], [], []) for pk in pks}
    for benefit_id, *row in BenefitTarget.objects.filter(benefit_id__in=pks).order_by(
            "financial_year").values_list("benefit_id", "financial_year", "value"):
        parts[benefit_id][0].append(row)
    for benefit_id, *row in BenefitShare.objects.filter(benefit_id__in=pks).order_by(
            "-percent", "council__name").values_list("benefit_id", "council__gss_code", "percent"):
        parts[benefit_id][1].append(row)
    for benefit_id, *row in BenefitRealisation.objects.filter(benefit_id__in=pks).order_by(
            "recorded_on", "pk").values_list("benefit_id", "recorded_on", "value", "grade", "council__gss_code",
                                             "confirmed"):
        parts[benefit_id][2].append(row)
    return parts


def api_reports():
    return Report.objects.select_related("period", "council")
