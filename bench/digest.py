"""The weekly digest job timed in-process on whatever database DATABASE_URL names; intended for the `large` demo
data set on PostgreSQL (see bench/README.md). Makes --people bench accounts (council staff spread over the 32
councils, marked demo) each with --per-person unread notifications about the portfolio's initiatives, then runs
collaboration.services.digests_send as beat would, twice (the second run must send nothing), with Celery eager and
Django's in-memory mail backend, so the time includes rendering and handing over every e-mail. Prints the time, the
queries and the e-mails of each run, then removes what it made. With --rounds N it does all that N times and prints
the median. The floor, timed in the same round: as many one-line e-mails as the digest sent, each queued through
core.mail's task (Celery eager, the in-memory backend) with no query and no template: what sending alone costs.
The URL resolver and the digest's template are loaded once before anything is timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_large .venv/bin/python bench/digest.py --people 500 \
        --rounds 3
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.test")


def main():
    import statistics

    args = _arguments()
    rounds = [one_round(args) for _round in range(args.rounds)]
    if len(rounds) > 1:
        digest, floor = statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds)
        print(f"median of {len(rounds)} rounds: digest {digest:.2f} s, floor {floor:.2f} s, "
              f"ratio {digest / floor:.1f}")


def _arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--per-person", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    return parser.parse_args()


def one_round(args):
    import django

    django.setup()
    from django.core import mail
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, override_settings

    from collaboration import services
    from collaboration.models import Comment, DigestSent, Notification
    from core.models import User
    from councils.models import Council
    from initiatives.models import Initiative

    councils = list(Council.objects.order_by("pk"))
    initiatives = list(Initiative.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    with transaction.atomic():
        people = User.objects.bulk_create([
            User(email=f"digest-bench-{i}@bench.example.org", full_name=f"Bench Person {i}", is_demo=True,
                 council=councils[i % len(councils)], council_role="viewer" if i % 3 else "editor")
            for i in range(args.people)
        ])
        author = people[0]
        comments = Comment.objects.bulk_create([
            Comment(initiative_id=pk, author=author, body="Bench comment", is_demo=True) for pk in initiatives[:200]
        ])
        Notification.objects.bulk_create([
            Notification(person=person, kind="comment", initiative_id=comment.initiative_id, comment=comment,
                         actor=author, is_demo=True)
            for i, person in enumerate(people) for j in range(args.per_person)
            for comment in [comments[(i * 7 + j) % len(comments)]]
        ], batch_size=5000)
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import get_template
    from django.urls import reverse

    from core.jobs import enqueue_after_commit
    from core.mail import MAIL_TASK, mail_as_dict

    reverse("collaboration:notifications")  # warm: the URL resolver and the template, loaded once per process
    get_template("collaboration/email/digest.txt")
    timed = []
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for run in (1, 2):
                mail.outbox = []
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    result = services.digests_send()
                    elapsed = time.perf_counter() - start
                timed.append(elapsed)
                print(f"run {run}: {elapsed:.2f} s, {len(queries)} queries, {result['sent']} digests sent, "
                      f"{len(mail.outbox)} e-mails in the outbox")
                if run == 1:
                    sent = result["sent"]
            mail.outbox = []
            start = time.perf_counter()
            with transaction.atomic():
                for person in people[:sent]:
                    message = EmailMultiAlternatives(subject="Floor", body="One line.", to=[person.email])
                    enqueue_after_commit(MAIL_TASK, mail_as_dict(message))
            floor = time.perf_counter() - start
            print(f"floor: {floor:.2f} s for {len(mail.outbox)} one-line e-mails ({timed[0] / floor:.1f} times)")
    finally:
        DigestSent.objects.filter(person__in=people).delete()
        User.objects.filter(pk__in=[p.pk for p in people]).delete()  # their comments and notifications with them
    return timed[0], floor


if __name__ == "__main__":
    main()
