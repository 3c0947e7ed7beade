"""Demo milestones, risks and benefits, and the dating of records as if kept over the years."""

import copy
import datetime
from decimal import Decimal

from django.db import models

from initiatives.models import (
    LIVE_STAGES,
    Benefit,
    BenefitRealisation,
    Initiative,
    Milestone,
    Participation,
    Risk,
    Stage,
)

from .constants import (
    BATCH,
    BENEFITS,
    MILESTONES,
    RISKS,
    _add_months,
    _money,
)


class RegistersSeeder:
    def registers(self, initiatives):
        rng = self.rng
        low, high = self.scale.milestones_per_initiative
        milestones, risks, benefits, realisations = [], [], [], []
        for initiative in initiatives:
            baseline = initiative.start_date
            for number in range(rng.randint(low, high)):
                baseline = baseline + datetime.timedelta(days=rng.randint(30, 120))
                slip = rng.choice([0, 0, 0, 14, 30, 60, 120])
                forecast = baseline + datetime.timedelta(days=slip)
                milestones.append(
                    Milestone(
                        initiative=initiative,
                        title=MILESTONES[number % len(MILESTONES)],
                        baseline_date=baseline,
                        forecast_date=forecast,
                        completed_on=forecast if forecast < self.today and rng.random() < 0.9 else None,
                        is_demo=True,
                    )
                )
            for title, description in rng.sample(RISKS, rng.randint(1, 4)):
                risks.append(
                    Risk(
                        initiative=initiative,
                        title=title,
                        description=description,
                        likelihood=rng.randint(1, 5),
                        impact=rng.randint(1, 5),
                        owner="Demo risk owner",
                        mitigation="Demo mitigation.",
                        status=Risk.Status.CLOSED if rng.random() < 0.25 else Risk.Status.OPEN,
                        is_demo=True,
                    )
                )
            for title, cashable, unit in rng.sample(BENEFITS, rng.randint(1, 3)):
                target = _money(rng.randrange(5_000, 250_000, 500))
                benefit = Benefit(
                    initiative=initiative,
                    council=initiative.lead_council,
                    title=title,
                    category=Benefit.Category.CASH_RELEASING if cashable else Benefit.Category.NON_CASH_RELEASING,
                    unit=unit,
                    target_value=target,
                    realised_value=_money(target * Decimal(rng.uniform(0, 1.1))),
                    is_demo=True,
                )
                benefit.demo_confirmed = rng.random() < 0.6  # its council confirmed its realisations
                benefits.append(benefit)
        self.save(Milestone, milestones)
        self.save(Risk, risks)
        self.save(Benefit, benefits)
        starts = {initiative.pk: initiative.start_date for initiative in initiatives}
        for benefit in benefits:
            realisations.extend(self.quarterly_realisations(benefit, starts[benefit.initiative_id]))
        self.save(BenefitRealisation, realisations)
        self.spread_over_time(initiatives)

    def quarterly_realisations(self, benefit, start):
        """What a benefit has realised, recorded each quarter (at most the last eight) since its initiative began:
        the values add up to its realised value, so the dashboard's trend of realised benefits rises."""
        quarters = []
        day = self.today.replace(day=1, month=((self.today.month - 1) // 3) * 3 + 1)
        while len(quarters) < 8 and day >= start.replace(day=1):
            quarters.append(day)
            day = _add_months(day, -3)
        quarters = sorted(quarters) or [self.today.replace(day=1)]
        share = _money(benefit.realised_value / len(quarters))
        values = [share] * (len(quarters) - 1) + [benefit.realised_value - share * (len(quarters) - 1)]
        return [
            BenefitRealisation(benefit=benefit, council=benefit.council, recorded_on=day, value=value,
                               confirmed=benefit.demo_confirmed, is_demo=True)
            for day, value in zip(quarters, values, strict=True)
        ]

    def spread_over_time(self, initiatives):
        """Dates the records as if they had been kept over the years, so "changed since the last board" shows a
        month's changes rather than everything: risks and councils joining dated between the initiative's start and
        today, stages reached and milestones re-forecast at dates in their past (their history says so)."""
        rng = self.rng
        now = datetime.datetime.combine(self.today - datetime.timedelta(days=1), datetime.time(12), tzinfo=datetime.UTC)

        def moment_between(start):
            begin = datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC)
            return min(now, begin + (now - begin) * rng.random()) if begin < now else now

        starts = {initiative.pk: initiative.start_date for initiative in initiatives}
        for model, queryset in (
            (Risk, Risk.objects.filter(initiative__in=initiatives)),
            (Participation, Participation.objects.filter(initiative__in=initiatives)),
        ):
            rows = list(queryset)
            for row in rows:
                lead = model is Participation and row.role == Participation.Role.LEAD
                start = starts[row.initiative_id]
                row.created_at = (
                    datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC) if lead
                    else moment_between(start)
                )
            model.objects.bulk_update(rows, ["created_at"], batch_size=BATCH)
            history = {h.id: h for h in model.history.filter(id__in=[row.pk for row in rows])}
            for row in rows:
                if row.pk in history:
                    history[row.pk].history_date = row.created_at
            model.history.bulk_update(list(history.values()), ["history_date"], batch_size=BATCH)
        order = list(Stage)
        first_records = {}
        for record in Initiative.history.filter(id__in=starts).order_by("-history_id"):
            first_records[record.id] = record
        earlier = []
        for initiative in initiatives:
            if initiative.stage == Stage.PROPOSED:
                continue
            record = first_records.get(initiative.pk)
            if record is None:
                continue
            reached = moment_between(initiative.start_date)
            if initiative.pk % 6 == 0:  # a sixth moved on in the last three weeks
                reached = now - datetime.timedelta(days=rng.randint(0, 20))
            before = order[max(0, order.index(initiative.stage) - 1)] if initiative.stage in LIVE_STAGES else Stage.LIVE
            earlier.append((record, before, reached))
        moved = []
        for record, before, reached in earlier:
            later = copy.copy(record)
            later.pk = None
            later.history_date = reached
            later.history_type = "~"
            moved.append(later)
            record.stage = before
            record.history_date = datetime.datetime.combine(
                starts[record.id] - datetime.timedelta(days=30), datetime.time(9), tzinfo=datetime.UTC
            )
        Initiative.history.bulk_update(
            [record for record, _b, _r in earlier], ["stage", "history_date"], batch_size=BATCH
        )
        Initiative.history.model.objects.bulk_create(moved, batch_size=BATCH)
        slipped = list(
            Milestone.history.filter(initiative_id__in=starts, forecast_date__gt=models.F("baseline_date"))
        )
        reforecasts = []
        for record in slipped:
            reforecast = copy.copy(record)
            reforecast.pk = None
            reforecast.history_type = "~"
            reforecast.history_date = min(
                now, datetime.datetime.combine(record.baseline_date - datetime.timedelta(days=45), datetime.time(9),
                                               tzinfo=datetime.UTC)
            )
            reforecasts.append(reforecast)
            record.forecast_date = record.baseline_date
            record.history_date = reforecast.history_date - datetime.timedelta(days=120)
        Milestone.history.bulk_update(slipped, ["forecast_date", "history_date"], batch_size=BATCH)
        Milestone.history.model.objects.bulk_create(reforecasts, batch_size=BATCH)
        # Each record was last changed when its history says, as `updated_at` records for real data.
        for model in (Initiative, Milestone, Risk, Participation):
            last_change = (
                model.history.filter(id=models.OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
            )
            records = model.objects.filter(pk__in=starts) if model is Initiative else model.objects.filter(
                initiative_id__in=starts
            )
            records.update(updated_at=models.Subquery(last_change))

