"""Demo partnership memberships, funding agreements, contributions and payments."""

import datetime
from decimal import Decimal

from councils.models import (
    Contribution,
    FundingAgreement,
    PartnershipMembership,
    Payment,
)

from .constants import (
    OFFICE_STARTED,
    _money,
)


class FundingSeeder:
    def memberships(self):
        # No public source says which two councils joined later: the demo picks two (docs/design.md §2, "councils").
        candidates = [c for c in self.councils if c.gss_code not in ("S12000049", "S12000047", "S12000017")]
        later = self.rng.sample(candidates, 2)
        joined = {later[0].pk: datetime.date(2018, 4, 1), later[1].pk: datetime.date(2019, 10, 1)}
        self.save(
            PartnershipMembership,
            [
                PartnershipMembership(
                    council=council,
                    joined_on=joined.get(council.pk, OFFICE_STARTED),
                    is_founding_member=council.pk not in joined,
                    is_demo=True,
                )
                for council in self.councils
            ],
        )
        return joined

    def funding(self, joined_later):
        current_year = self.today.year if self.today.month >= 4 else self.today.year - 1
        plans = [
            (
                "Founding agreement",
                "The three-year agreement under which the founding councils fund the office.",
                2016,
                2018,
            ),
            ("Two-year extension", "Extension of the founding agreement.", 2019, 2020),
        ]
        # Later agreements are demo: three-year terms up to the current financial year.
        first = 2021
        while first <= current_year:
            plans.append((f"Agreement {first}", "Demo agreement.", first, first + 2))
            first += 3
        agreements, contributions, payments = [], [], []
        for title, description, first_year, last_year in plans:
            agreement = FundingAgreement(
                title=title,
                description=description,
                first_year=first_year,
                last_year=last_year,
                budget=_money(0),
                is_demo=True,
            )
            agreements.append(agreement)
        self.save(FundingAgreement, agreements)
        for agreement in agreements:
            budget = Decimal(0)
            for year in range(agreement.first_year, min(agreement.last_year, current_year) + 1):
                year_start = datetime.date(year, 4, 1)
                for council in self.councils:
                    if joined_later.get(council.pk, OFFICE_STARTED) > datetime.date(year + 1, 3, 31):
                        continue
                    # Demo amounts: a share in proportion to population, rounded to £10.
                    due = _money(round(8000 + council.population * 0.06, -1))
                    budget += due
                    due_date = datetime.date(year, 6, 30)
                    invoiced = year_start + datetime.timedelta(days=30)
                    contribution = Contribution(
                        agreement=agreement,
                        council=council,
                        financial_year=year,
                        amount_due=due,
                        due_date=due_date,
                        is_demo=True,
                        invoice_number=f"DEMO-{year}-{council.gss_code[-3:]}" if invoiced <= self.today else "",
                        invoice_date=invoiced if invoiced <= self.today else None,
                    )
                    contributions.append(contribution)
                    payments.extend(self._payments_for(contribution))
            agreement.budget = budget
        FundingAgreement.objects.bulk_update(agreements, ["budget"])
        self.save(Contribution, contributions)
        for payment in payments:
            payment.contribution_id = payment.contribution.pk
        self.save(Payment, payments)

    def _payments_for(self, contribution):
        if contribution.invoice_date is None:
            return []
        outcome = self.rng.random()
        amount = contribution.amount_due
        if contribution.due_date > self.today:
            outcome = min(outcome, 0.5) if outcome < 0.3 else 0.95  # most of this year not yet paid
        if outcome < 0.70:  # paid on time
            paid_on = contribution.due_date - datetime.timedelta(days=self.rng.randint(0, 40))
            plan = [(amount, paid_on)]
        elif outcome < 0.82:  # paid late
            plan = [(amount, contribution.due_date + datetime.timedelta(days=self.rng.randint(10, 120)))]
        elif outcome < 0.90:  # two instalments
            half = _money(amount / 2)
            plan = [
                (half, contribution.due_date - datetime.timedelta(days=20)),
                (amount - half, contribution.due_date + datetime.timedelta(days=self.rng.randint(30, 90))),
            ]
        elif outcome < 0.95:  # part paid only
            plan = [(_money(amount * Decimal("0.4")), contribution.due_date - datetime.timedelta(days=5))]
        else:  # nothing paid yet
            plan = []
        return [
            Payment(contribution=contribution, amount=value, paid_on=day, reference=f"DEMO-PAY-{index}", is_demo=True)
            for index, (value, day) in enumerate(plan, start=1)
            if day <= self.today
        ]

