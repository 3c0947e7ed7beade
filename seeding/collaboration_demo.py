"""Demo conversations, follows and saved views (all labelled demo): a Glasgow editor asks a Fife editor a question
on an initiative both councils run, the Fife editor answers, and the office shares a saved view with everyone."""

from django.db.models import Count, Q

from collaboration.models import Comment, Follow, Notification, SavedView
from core.models import User
from initiatives.models import Initiative

GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"
CDO = "cdo@demo.digitaloffice.scot"


def demo_collaboration_seed() -> int:
    people = {user.email: user for user in User.objects.filter(email__in=[GLASGOW_EDITOR, FIFE_EDITOR, CDO])}
    if len(people) < 3:
        return 0
    glasgow, fife, cdo = people[GLASGOW_EDITOR], people[FIFE_EDITOR], people[CDO]
    shared = (Initiative.objects.filter(is_demo=True)
              .annotate(both=Count("participations", filter=Q(participations__council__in=[glasgow.council_id,
                                                                                        fife.council_id])))
              .filter(both=2).order_by("reference").first())
    made = 0
    if shared is not None:
        question = Comment.objects.create(
            initiative=shared, author=glasgow, is_demo=True,
            body=f"Demo comment: @{fife.email} how did your team handle the data-sharing agreement for this? "
                 "We would like to reuse your template.",
        )
        question.mentioned.set([fife])
        answer = Comment.objects.create(
            initiative=shared, author=fife, parent=question, is_demo=True,
            body="Demo reply: we used the *national template* with two changes; I will share it on the group.",
        )
        Notification.objects.bulk_create([
            Notification(person=fife, kind=Notification.Kind.MENTION, initiative=shared, comment=question,
                         actor=glasgow, is_demo=True),
            Notification(person=glasgow, kind=Notification.Kind.REPLY, initiative=shared, comment=answer,
                         actor=fife, is_demo=True),
        ])
        made += 2
    if shared is not None and shared.theme_id:
        Follow.objects.get_or_create(person=cdo, theme_id=shared.theme_id)
    SavedView.objects.get_or_create(
        owner=cdo, name="Red on delivery (demo)",
        defaults={"page": SavedView.Page.PORTFOLIO, "query": "rag_delivery=red",
                  "sharing": SavedView.Sharing.EVERYONE, "is_demo": True},
    )
    SavedView.objects.get_or_create(
        owner=glasgow, name="Glasgow's live initiatives (demo)",
        defaults={"page": SavedView.Page.PORTFOLIO, "query": "stage=live", "sharing": SavedView.Sharing.COUNCIL,
                  "council_id": glasgow.council_id, "is_demo": True},
    )
    return made
