"""The demo builder: one random.Random(seed) drawn in a fixed order by each part's seeder, in the order demo_seed
calls them."""

import datetime
import random

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from councils.models import (
    Council,
    PartnerOrganisation,
)
from strategy.models import (
    Outcome,
    Theme,
)

from .constants import (
    BATCH,
    SCALES,
    DemoRefused,
)
from .funding import FundingSeeder
from .people import PeopleSeeder
from .portfolio import PortfolioSeeder
from .registers import RegistersSeeder
from .strategy import StrategySeeder


class DemoBuilder(PeopleSeeder, FundingSeeder, StrategySeeder, PortfolioSeeder, RegistersSeeder):
    def __init__(self, *, scale: str, seed: int, today: datetime.date):
        self.scale = SCALES[scale]
        self.rng = random.Random(seed)
        self.today = today
        self.councils = list(Council.objects.order_by("gss_code"))
        self.partners = list(PartnerOrganisation.objects.order_by("slug"))
        self.themes = list(Theme.objects.order_by("slug"))
        self.outcomes = list(Outcome.objects.order_by("number"))
        if len(self.councils) != 32 or not self.themes or len(self.outcomes) != 6:
            raise DemoRefused("Load the reference data first: manage.py load_reference_data")
        self.counts = {}

    def weighted(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights=weights, k=1)[0]

    def save(self, model, objects):
        """Insert `objects` (and their history) BATCH rows a transaction: the large set is ~130,000 rows, and one
        transaction for all of it held every change feed on the server for two minutes (seeding.feed)."""
        created = []
        for start in range(0, len(objects), BATCH):
            with transaction.atomic():
                created += bulk_create_with_history(objects[start:start + BATCH], model, batch_size=BATCH)
        self.counts[model._meta.verbose_name_plural] = self.counts.get(model._meta.verbose_name_plural, 0) + len(
            objects
        )
        return created

