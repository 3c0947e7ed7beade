"""The demo's public portfolio: the snapshot of the last closed period, published as the monthly job would (its
initiatives are demo data, so is it)."""

import datetime

from initiatives import selectors as portfolio
from public import services as public_services
from public.files import remove
from public.models import Publication


def demo_publication_seed(*, today: datetime.date) -> int:
    period = portfolio.last_closed_period(on=today)
    if period is None:
        return 0
    public_services.publication_publish(period=period)
    return 1


def demo_publications_clear() -> None:
    for publication in Publication.objects.filter(is_demo=True):
        remove(publication.files)
        publication.delete()
