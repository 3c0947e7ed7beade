"""Deterministic demo data (`manage.py seed_demo`). Every record it makes is marked `is_demo`.

Same seed and same `today` give the same rows: the generator draws from one `random.Random(seed)`
and walks the reference data in a fixed order. Reseeding first removes the previous demo records.
Amounts, membership dates of the two later members, initiatives and all their reporting are
demo values, not facts.

The package: constants (secrets, scales, tables), one seeder per part (people, funding, strategy, portfolio,
registers) composed in builder.DemoBuilder, and seed (demo_seed, demo_clear).
"""

from .builder import DemoBuilder
from .constants import (
    DEMO_ACCOUNTS,
    DEMO_INVITATION_EMAIL,
    DEMO_INVITATION_TOKEN,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    SCALES,
    DemoRefused,
    Scale,
    demo_totp_code,
)
from .seed import DEMO_MODELS, demo_clear, demo_data_exists, demo_seed

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_INVITATION_EMAIL",
    "DEMO_INVITATION_TOKEN",
    "DEMO_MODELS",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "SCALES",
    "DemoBuilder",
    "DemoRefused",
    "Scale",
    "demo_clear",
    "demo_data_exists",
    "demo_seed",
    "demo_totp_code",
]
