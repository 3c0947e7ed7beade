"""Demo reporting periods, initiatives with their councils, and their progress updates in every state."""

import datetime
from decimal import Decimal

from initiatives.models import (
    Initiative,
    Participation,
    ProgressUpdate,
    Rag,
    ReportingPeriod,
    Stage,
)

from .constants import (
    BATCH,
    MILESTONES,
    OFFICE_STARTED,
    RAG_WEIGHTS,
    RISKS,
    STAGE_WEIGHTS,
    TOPICS,
    VARIANTS,
    _add_months,
    _money,
    _month_end,
)


class PortfolioSeeder:
    def periods(self):
        this_month = self.today.replace(day=1)
        months = self.scale.reporting_months
        first = _add_months(this_month, -(months - 1)) if months else OFFICE_STARTED
        periods = []
        month = first
        while month <= this_month:
            end = _month_end(month)
            periods.append(
                ReportingPeriod(
                    starts_on=month,
                    ends_on=end,
                    submission_opens_on=end - datetime.timedelta(days=6),
                    submission_due_on=end + datetime.timedelta(days=10),
                    is_demo=True,
                )
            )
            month = _add_months(month, 1)
        existing = set(
            ReportingPeriod.objects.filter(starts_on__in=[p.starts_on for p in periods]).values_list(
                "starts_on", flat=True
            )
        )
        self.save(ReportingPeriod, [p for p in periods if p.starts_on not in existing])
        return list(
            ReportingPeriod.objects.filter(starts_on__gte=first, starts_on__lte=this_month).order_by("starts_on")
        )

    def initiatives(self, users, periods):
        rng = self.rng
        first_period = periods[0].starts_on
        owners = [users["cdo@demo.digitaloffice.scot"], users["cto@demo.digitaloffice.scot"]]
        by_code = {council.gss_code: council for council in self.councils}
        # The demo councils of the accounts lead and join a fair share, so every role has work.
        featured = [by_code["S12000049"], by_code["S12000047"], by_code["S12000017"]]
        initiatives, participations, outcome_links, partner_links = [], [], [], []
        for number in range(1, self.scale.initiatives + 1):
            lead = featured[number % 3] if number % 4 == 1 else rng.choice(self.councils)
            # The first few cover every stage; the rest follow a realistic mix.
            stage = list(Stage)[number - 1] if number <= len(Stage) else self.weighted(STAGE_WEIGHTS)
            earliest, latest_share = self.scale.start_window
            start = _add_months(first_period, rng.randint(earliest, max(1, int(len(periods) * latest_share))))
            start = max(start, OFFICE_STARTED)
            topic = TOPICS[(number - 1) % len(TOPICS)]
            variant = VARIANTS[((number - 1) // len(TOPICS)) % len(VARIANTS)]
            suffix = (
                f" {(number - 1) // (len(TOPICS) * len(VARIANTS)) + 1}" if number > len(TOPICS) * len(VARIANTS) else ""
            )
            initiative = Initiative(
                reference=f"DO-{number:04d}",
                title=f"{topic} {variant}{suffix}",
                summary=f"Demo initiative: {topic.lower()}, led by {lead.name} with other councils.",
                theme=rng.choice(self.themes),
                lead_council=lead,
                stage=stage,
                start_date=start,
                end_date=_add_months(start, rng.randint(12, 48)),
                budget=_money(rng.randrange(20_000, 400_000, 5_000)),
                owner=rng.choice(owners),
                is_demo=True,
            )
            initiatives.append(initiative)
        self.save(Initiative, initiatives)

        for index, initiative in enumerate(initiatives):
            participations.append(
                Participation(
                    initiative=initiative,
                    council=initiative.lead_council,
                    role=Participation.Role.LEAD,
                    joined_on=initiative.start_date,
                    is_demo=True,
                )
            )
            others = [c for c in rng.sample(self.councils, rng.randint(1, 6)) if c.pk != initiative.lead_council_id]
            for extra in featured:
                if (
                    index % 3 == featured.index(extra)
                    and extra.pk != initiative.lead_council_id
                    and extra not in others
                ):
                    others.append(extra)
            for council in others:
                role = Participation.Role.ADOPTER if rng.random() < 0.7 else Participation.Role.OBSERVER
                participations.append(
                    Participation(
                        initiative=initiative, council=council, role=role, joined_on=initiative.start_date, is_demo=True
                    )
                )
            for outcome in rng.sample(self.outcomes, rng.randint(1, 3)):
                outcome_links.append(Initiative.outcomes.through(initiative_id=initiative.pk, outcome_id=outcome.pk))
            for partner in rng.sample(self.partners, rng.randint(0, 2)):
                partner_links.append(
                    Initiative.partners.through(initiative_id=initiative.pk, partnerorganisation_id=partner.pk)
                )
        self.save(Participation, participations)
        Initiative.outcomes.through.objects.bulk_create(outcome_links, batch_size=BATCH)
        Initiative.partners.through.objects.bulk_create(partner_links, batch_size=BATCH)
        return initiatives

    def updates(self, initiatives, periods, users):
        rng = self.rng
        cdo, cto = users["cdo@demo.digitaloffice.scot"], users["cto@demo.digitaloffice.scot"]
        editors = {u.council_id: u for u in users.values() if u.council_role == "editor"}
        updates = []
        last_index = len(periods) - 1
        # The last period whose window has closed: in the first days of a month it is two before the open one.
        closed_index = max((i for i, p in enumerate(periods) if p.submission_due_on < self.today), default=-1)
        yesterday = self.today - datetime.timedelta(days=1)
        latest = datetime.datetime.combine(yesterday, datetime.time(17), tzinfo=datetime.UTC)
        # The first active initiatives show each workflow state, whatever the seed draws.
        forced = [
            (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED),
            (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED),
            (None, ProgressUpdate.State.SUBMITTED),
            (None, None),
        ]
        for initiative in initiatives:
            if initiative.stage == Stage.PROPOSED:
                continue
            stop = initiative.end_date if initiative.stage == Stage.CLOSED else None
            rag = {axis: self.weighted(RAG_WEIGHTS) for axis in ProgressUpdate.RAG_AXES}
            reported = [
                (index, period)
                for index, period in enumerate(periods)
                if period.starts_on >= initiative.start_date.replace(day=1)
                and (stop is None or period.starts_on <= stop)
            ]
            total = max(1, len(reported))
            open_states = forced.pop(0) if forced and stop is None else None
            for position, (index, period) in enumerate(reported, start=1):
                # The open period is still being written; the one before may await review.
                if open_states and index >= last_index - 1:
                    state = open_states[last_index - index]
                elif index == last_index:
                    state = rng.choice([None, None, ProgressUpdate.State.DRAFT, ProgressUpdate.State.SUBMITTED])
                elif index >= min(last_index - 1, closed_index):
                    # The period being reviewed, and the last closed one: some missing (overdue), some returned.
                    state = self.weighted(
                        [
                            (None, 10),
                            (ProgressUpdate.State.SUBMITTED, 25),
                            (ProgressUpdate.State.RETURNED, 15),
                            (ProgressUpdate.State.APPROVED, 50),
                        ]
                    )
                else:
                    state = ProgressUpdate.State.APPROVED if rng.random() < 0.97 else None
                if state is None:
                    continue
                for axis in ProgressUpdate.RAG_AXES:
                    if rng.random() < 0.15:
                        rag[axis] = self.weighted(RAG_WEIGHTS)
                author = editors.get(initiative.lead_council_id)
                fields = {f"rag_{axis}": rag[axis] for axis in ProgressUpdate.RAG_AXES}
                for axis in ProgressUpdate.RAG_AXES:
                    if rag[axis] != Rag.GREEN:
                        fields[f"{axis}_commentary"] = (
                            f"Demo commentary: {axis} is {rag[axis]} because of {rng.choice(RISKS)[0].lower()}."
                        )
                submitted = state != ProgressUpdate.State.DRAFT
                reviewed = state in (ProgressUpdate.State.APPROVED, ProgressUpdate.State.RETURNED)
                # Submitted in the days after the period ends, and never after yesterday: nothing is dated ahead.
                submitted_at = min(
                    datetime.datetime.combine(period.ends_on, datetime.time(10), tzinfo=datetime.UTC)
                    + datetime.timedelta(days=rng.randint(0, 9)),
                    latest,
                )
                updates.append(
                    ProgressUpdate(
                        initiative=initiative,
                        period=period,
                        council=initiative.lead_council,
                        state=state,
                        percent_complete=min(100, round(100 * position / total)),
                        spend_to_date=_money(
                            initiative.budget * Decimal(position) / Decimal(total) * Decimal(rng.uniform(0.8, 1.15))
                        ),
                        narrative=(
                            f"**Demo update** for {period.label}.\n\n"
                            f"- Work this period: {rng.choice(MILESTONES).lower()}.\n"
                            f"- Next: {rng.choice(MILESTONES).lower()}."
                        ),
                        next_steps="Demo next steps.",
                        author=author,
                        submitted_at=submitted_at if submitted else None,
                        submitted_by=author if submitted else None,
                        reviewed_at=min(submitted_at + datetime.timedelta(days=3), latest) if reviewed else None,
                        reviewed_by=rng.choice([cdo, cto]) if reviewed else None,
                        review_comment="Demo: please say what is being done about the Amber spend."
                        if state == ProgressUpdate.State.RETURNED
                        else "",
                        is_demo=True,
                        **fields,
                    )
                )
        self.save(ProgressUpdate, updates)
        latest_approved, previous_approved = {}, {}
        for update in updates:  # in period order for each initiative
            if update.state == ProgressUpdate.State.APPROVED:
                if update.initiative_id in latest_approved:
                    previous_approved[update.initiative_id] = latest_approved[update.initiative_id]
                latest_approved[update.initiative_id] = update
        for initiative in initiatives:
            initiative.current_update = latest_approved.get(initiative.pk)
            initiative.previous_update = previous_approved.get(initiative.pk)
        Initiative.objects.bulk_update(initiatives, ["current_update", "previous_update"], batch_size=BATCH)
