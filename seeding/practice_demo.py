"""Demo data for the practice library (all labelled demo): assets drawn from the demo initiatives, shared by the
demo councils and the office, in every state the library shows (published, experimental, submitted for review,
draft, needing an update), with councils adopting them, one of whose use has lapsed to "unconfirmed"."""

import datetime

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.models import User
from councils.models import Council
from initiatives.models import Initiative
from practice.models import Adoption, Asset
from strategy.models import Theme

GLASGOW, FIFE, HIGHLAND = "S12000049", "S12000047", "S12000017"
DUNDEE, RENFREWSHIRE, NORTH_LANARKSHIRE = "S12000042", "S12000038", "S12000050"
OWNERS = {GLASGOW: "editor@glasgow.demo.digitaloffice.scot", FIFE: "editor@fife.demo.digitaloffice.scot",
          HIGHLAND: "editor@highland.demo.digitaloffice.scot", None: "cto@demo.digitaloffice.scot"}

# (council or None for the office, kind, title, summary, topic of the initiative it came from, licence, maturity,
#  state, days since published, days until review (negative: past), evidence of use)
ASSETS = [
    (GLASGOW, Asset.Kind.PLAYBOOK, "Council tax self-service playbook",
     "How we moved council tax changes of address, discounts and direct debits online, step by step.",
     "Council tax self-service", "OGL-UK-3.0", Asset.Maturity.STABLE, Asset.State.PUBLISHED, 400, 200,
     "Demo: used for two years by the lead council's revenues team."),
    (FIFE, Asset.Kind.SERVICE_PATTERN, "Book a bulky waste uplift: service pattern",
     "The questions, payment step and confirmation a resident needs to book a bulky waste collection.",
     "Bulky waste uplift booking", "OGL-UK-3.0", Asset.Maturity.BETA, Asset.State.PUBLISHED, 250, 300, ""),
    (None, Asset.Kind.CODE, "Blue Badge application form (open source)",
     "An accessible online Blue Badge application form any council can run, with its case-handling export.",
     "Blue Badge applications online", "MIT", Asset.Maturity.STABLE, Asset.State.PUBLISHED, 700, 120,
     "Demo: in use by councils since the pathfinder."),
    (HIGHLAND, Asset.Kind.CASE_STUDY, "Telecare switchover in remote communities: case study",
     "What the analogue-to-digital telecare switchover took in areas with poor mobile coverage.",
     "Telecare analogue-to-digital switchover", "CC-BY-4.0", Asset.Maturity.BETA, Asset.State.PUBLISHED, 60, 300,
     ""),
    (FIFE, Asset.Kind.USER_RESEARCH, "Housing repairs reporting: user research findings",
     "What tenants told us about reporting repairs online, by phone and in person.",
     "Housing repairs reporting", "OGL-UK-3.0", Asset.Maturity.STABLE, Asset.State.NEEDS_UPDATE, 500, -20,
     "Demo: informed two councils' repairs forms."),
    (None, Asset.Kind.LESSONS, "Lessons from the cyber resilience programme",
     "What worked and what did not in the first two years of the shared cyber resilience programme.",
     "Cyber resilience programme", "OGL-UK-3.0", Asset.Maturity.STABLE, Asset.State.PUBLISHED, 120, 245, ""),
    (None, Asset.Kind.BUSINESS_CASE, "Shared data platform: outline business case",
     "The options, costs and benefits of a data platform shared by several councils.",
     "Shared data platform", "OGL-UK-3.0", Asset.Maturity.DEVELOPMENT, Asset.State.SUBMITTED, None, 365, ""),
    (GLASGOW, Asset.Kind.PROCUREMENT, "Microsoft 365 collaboration: call-off specification",
     "A specification template for calling off Microsoft 365 support from a national framework.",
     "Microsoft 365 collaboration", "OGL-UK-3.0", Asset.Maturity.CONCEPT, Asset.State.DRAFT, None, 365, ""),
]
# (asset title, council, state, days since declared, confirmed by the owner, reason)
ADOPTIONS = [
    ("Council tax self-service playbook", FIFE, Adoption.State.USING, 300, True, ""),
    ("Council tax self-service playbook", RENFREWSHIRE, Adoption.State.PLANNING, 40, True, ""),
    ("Council tax self-service playbook", NORTH_LANARKSHIRE, Adoption.State.INTERESTED, 10, False, ""),
    ("Book a bulky waste uplift: service pattern", GLASGOW, Adoption.State.ADOPTING, 90, False, ""),
    ("Book a bulky waste uplift: service pattern", HIGHLAND, Adoption.State.USING, 200, True, ""),
    ("Blue Badge application form (open source)", GLASGOW, Adoption.State.USING, 500, True, ""),
    ("Blue Badge application form (open source)", DUNDEE, Adoption.State.UNCONFIRMED, 600, True, ""),
    ("Blue Badge application form (open source)", FIFE, Adoption.State.STOPPED, 400, True,
     "Demo: replaced by the national case-management system's own form."),
    ("Housing repairs reporting: user research findings", HIGHLAND, Adoption.State.USING, 150, True, ""),
]


def _body(summary, topic) -> str:
    return (f"*Demo content: not real data.*\n\n{summary}\n\n## What it is\n\nDrawn from the demo initiative "
            f"\"{topic}\".\n\n## How to reuse it\n\n1. Read it with your service team.\n2. Contact the owner.\n"
            "3. Say in the library that your council uses it.")


def demo_practice_seed(*, today: datetime.date) -> int:
    Asset.objects.filter(is_demo=True).delete()  # with their adoptions and files
    Asset.history.filter(is_demo=True).delete()
    Adoption.history.filter(is_demo=True).delete()
    councils = {c.gss_code: c for c in Council.objects.all()}
    owners = {code: User.objects.filter(email=email).first() for code, email in OWNERS.items()}
    theme = Theme.objects.order_by("slug").first()
    initiatives = {i.title: i for i in Initiative.objects.filter(is_demo=True).order_by("-reference")}
    now = timezone.now()
    assets = []
    for (code, kind, title, summary, topic, licence, maturity, state, published_days, review_days,
         evidence) in ASSETS:
        source = next((i for t, i in initiatives.items() if t.startswith(topic)), None)
        published = now - datetime.timedelta(days=published_days) if published_days is not None else None
        owner = owners[code]
        assets.append(Asset(
            council=councils[code] if code else None, kind=kind, title=title, summary=summary,
            body=_body(summary, topic), initiative=source, licence=licence, maturity=maturity, state=state,
            published_at=published, review_by=today + datetime.timedelta(days=review_days),
            evidence_of_use=evidence, owner=owner, created_by=owner,
            contacts=f"{owner.full_name} <{owner.email}>" if owner else "",
            links="https://www.gov.scot/publications/digital-scotland-service-standard/" if kind == Asset.Kind.PLAYBOOK
            else "",
            submitted_by=owner if state != Asset.State.DRAFT else None,
            submitted_at=(published or now) - datetime.timedelta(days=3) if state != Asset.State.DRAFT else None,
            reviewed_by=owners[None] if published else None, is_demo=True,
        ))
    made = {asset.title: asset for asset in bulk_create_with_history(assets, Asset,
                                                                     default_change_reason="demo data")}
    if theme is not None:
        Asset.themes.through.objects.bulk_create([Asset.themes.through(asset_id=a.pk, theme_id=theme.pk)
                                                  for a in made.values()])
    adoptions = []
    for title, code, state, days, confirmed, reason in ADOPTIONS:
        declared = now - datetime.timedelta(days=days)
        asset = made[title]
        using = state in (Adoption.State.USING, Adoption.State.UNCONFIRMED)
        adoptions.append(Adoption(
            asset=asset, council=councils[code], state=state, reason=reason, declared_at=declared,
            declared_by=owners.get(code), confirmed_by=owners.get(asset.council.gss_code if asset.council else None)
            if confirmed else None, confirmed_at=declared + datetime.timedelta(days=2) if confirmed else None,
            using_since=declared.date() if using else None,
            # The lapsed one was last confirmed more than a year ago and reminded without answer.
            using_confirmed_on=(today - datetime.timedelta(days=400) if state == Adoption.State.UNCONFIRMED
                                else today - datetime.timedelta(days=min(days, 200))) if using else None,
            reminded_on=today - datetime.timedelta(days=35) if state == Adoption.State.UNCONFIRMED else None,
            is_demo=True,
        ))
    bulk_create_with_history(adoptions, Adoption, default_change_reason="demo data")
    return len(made)
