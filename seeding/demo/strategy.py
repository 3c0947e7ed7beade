"""Demo measures, their readings and councils' maturity assessments."""

import datetime
from decimal import Decimal

from strategy.models import (
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    Measure,
    MeasureReading,
    Strategy,
)

from .constants import (
    MEASURES,
    _money,
)


class StrategySeeder:
    def measures(self):
        by_number = {outcome.number: outcome for outcome in self.outcomes}
        measures = [
            Measure(
                outcome=by_number[number],
                title=title,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                target_date=datetime.date(2020, 12, 31),
                higher_is_better=higher,
                description="Demo measure.",
                is_demo=True,
            )
            for number, title, unit, baseline, target, higher in MEASURES
        ]
        self.save(Measure, measures)
        readings = []
        for measure in measures:
            for year in range(2017, min(self.today.year, 2025) + 1):
                progress = Decimal(min(1.0, (year - 2016) / 5 * self.rng.uniform(0.7, 1.1)))
                value = measure.baseline + (measure.target - measure.baseline) * progress
                readings.append(
                    MeasureReading(
                        measure=measure, taken_on=datetime.date(year, 3, 31), value=_money(value), is_demo=True
                    )
                )
            for council in self.rng.sample(self.councils, 4):
                value = measure.baseline + (measure.target - measure.baseline) * Decimal(self.rng.uniform(0.2, 0.9))
                readings.append(
                    MeasureReading(
                        measure=measure,
                        council=council,
                        taken_on=datetime.date(2020, 3, 31),
                        value=_money(value),
                        is_demo=True,
                    )
                )
        self.save(MeasureReading, readings)

    def maturity(self):
        dimensions = list(MaturityDimension.objects.order_by("order", "pk"))
        levels = list(MaturityLevel.objects.order_by("rank"))
        if not dimensions or not levels:
            return
        # The office sets its own "digital business" threshold; until it has, the demo picks the
        # second-highest level so the sector view has something to count.
        Strategy.objects.filter(digital_business_level__isnull=True).update(digital_business_level=levels[-2])
        assessments, scores = [], []
        for council in self.councils:
            start = self.rng.randint(0, 1)
            for year in range(2017, min(self.today.year - 1, 2025) + 1):
                overall_index = min(len(levels) - 1, start + (year - 2017) * self.rng.randint(1, 3) // 3)
                assessment = MaturityAssessment(
                    council=council,
                    assessed_on=datetime.date(year, 11, 1),
                    overall_level=levels[overall_index],
                    notes="Demo assessment.",
                    is_demo=True,
                )
                assessments.append(assessment)
                for dimension in dimensions:
                    index = max(0, min(len(levels) - 1, overall_index + self.rng.randint(-1, 1)))
                    scores.append(MaturityScore(assessment=assessment, dimension=dimension, level=levels[index]))
        self.save(MaturityAssessment, assessments)
        for score in scores:
            score.assessment_id = score.assessment.pk
        self.save(MaturityScore, scores)

