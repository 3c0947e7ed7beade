"""Demo accounts (with the published password and authenticator) and the one pending invitation."""

import datetime

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.utils import timezone

from core.models import User
from core.roles import Role
from core.second_factor import needs_second_factor
from people import services as people_services
from people.models import AccessEvent, Invitation, invitation_token_hash

from .constants import (
    DEMO_ACCOUNTS,
    DEMO_INVITATION_EMAIL,
    DEMO_INVITATION_TOKEN,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
)


class PeopleSeeder:
    def accounts(self):
        by_code = {council.gss_code: council for council in self.councils}
        by_slug = {partner.slug: partner for partner in self.partners}
        users = {}
        for email, full_name, job_title, role in DEMO_ACCOUNTS:
            fields = {
                "full_name": full_name,
                "job_title": job_title,
                "is_demo": True,
                "is_digital_office_staff": role.get("is_digital_office_staff", False),
                "council": by_code.get(role.get("council")),
                "council_role": role.get("council_role", ""),
                "partner": by_slug.get(role.get("partner")),
                "is_lead": role.get("is_lead", False),
                "is_active": True,
                "deactivated_at": None,
            }
            user = User.objects.filter(email=email).first() or User(email=email)
            for name, value in fields.items():
                setattr(user, name, value)
            if not user.pk or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            if needs_second_factor(user):
                Authenticator.objects.filter(user=user).delete()
                TOTP.activate(user, DEMO_TOTP_SECRET)
                RecoveryCodes.activate(user)
            users[email] = user
        self.counts["demo accounts"] = len(users)
        self.invitation(users)
        return users

    def invitation(self, users):
        """One pending invitation, sent by Glasgow's digital lead. Its link is /accounts/invitations/<token>/ with
        the published DEMO_INVITATION_TOKEN (demo data only)."""
        lead = users["editor@glasgow.demo.digitaloffice.scot"]
        invitation, _token = people_services.invitation_create(
            user=lead, email=DEMO_INVITATION_EMAIL, full_name="Demo Glasgow Newcomer",
            role=Role.COUNCIL_VIEWER, council=lead.council, is_demo=True, send=False,
        )
        sent = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time(9)))
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=invitation_token_hash(DEMO_INVITATION_TOKEN), created_at=sent, sent_at=sent, send_count=1,
            expires_at=sent + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        AccessEvent.objects.filter(is_demo=True).update(at=sent)
        self.counts["invitations"] = 1

