"""People's access records: invitations, the access record, and the e-mail domains single sign-on matches.

Moved here from core and councils without touching the database: each keeps its table (Meta.db_table) and its
rows (migrations people.0001, core.0011, councils.0004: state only)."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role as PortalRole


def invitation_token_hash(token: str) -> str:
    """What is kept of an invitation link's token: its SHA-256 (the token itself is long and random)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation to join the portal in one role, sent by e-mail with a single-use link that expires.

    Only a hash of the link's token is kept (like a password), so the link cannot be rebuilt from the database;
    resending makes a new token, and the old link stops working. The state is derived: pending, accepted,
    withdrawn or expired."""

    class Role(models.TextChoices):
        # The labels are core.roles' own.
        COUNCIL_EDITOR = PortalRole.COUNCIL_EDITOR, PortalRole.LABELS[PortalRole.COUNCIL_EDITOR]
        COUNCIL_VIEWER = PortalRole.COUNCIL_VIEWER, PortalRole.LABELS[PortalRole.COUNCIL_VIEWER]
        PARTNER = PortalRole.PARTNER, PortalRole.LABELS[PortalRole.PARTNER]
        DIGITAL_OFFICE = PortalRole.DIGITAL_OFFICE, PortalRole.LABELS[PortalRole.DIGITAL_OFFICE]

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("council"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="invitations",
    )
    partner = models.ForeignKey(
        "councils.PartnerOrganisation", verbose_name=_("partner organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="invitations",
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    created_by = models.ForeignKey(
        "core.User", verbose_name=_("invited by"), null=True, on_delete=models.PROTECT, related_name="+",
    )
    class Mail(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        RETRYING = "retrying", _("not sent yet: trying again")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")

    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    # The e-mail goes by a Celery task with retries (people.tasks.send_invitation): what became of the last one.
    mail_status = models.CharField(_("e-mail"), max_length=10, choices=Mail.choices, default=Mail.QUEUED)
    mail_error = models.CharField(_("e-mail error"), max_length=300, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        "core.User", verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="invitations_accepted",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "core.User", verbose_name=_("withdrawn by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        db_table = "core_invitation"  # the table it had in core (moved without touching the database)
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_invitation_per_email",
                violation_error_message=_("This address already has an invitation: resend it or withdraw it."),
            ),
            models.CheckConstraint(
                name="invitation_organisation_fits_role",
                condition=(
                    models.Q(role__in=["council_editor", "council_viewer"], council__isnull=False,
                             partner__isnull=True)
                    | models.Q(role="partner", council__isnull=True, partner__isnull=False)
                    | models.Q(role="digital_office", council__isnull=True, partner__isnull=True)
                ),
                violation_error_message=_(
                    "Council staff are invited to a council, partner users to a partner, Digital Office staff to "
                    "neither."
                ),
            ),
            models.CheckConstraint(
                name="invitation_lead_is_editor_or_partner",
                condition=models.Q(is_lead=False) | models.Q(role__in=["council_editor", "partner"]),
                violation_error_message=_("Only a council editor or a partner's user can be a lead."),
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.withdrawn_at:
            return self.State.WITHDRAWN
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state_label(self):
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        """Not yet accepted or withdrawn (an expired one may be resent)."""
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def organisation(self):
        return self.council or self.partner


class AccessEvent(models.Model):
    """The record of who may use the portal: every invitation, role change, deactivation and single sign-on match,
    with who did it, when and what. Digital Office staff read all of it; a council's (or partner's) leads read
    their own organisation's."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_RESENT = "invitation_resent", _("Invitation resent")
        INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        SSO_MATCHED = "sso_matched", _("Single sign-on: matched to an invitation")
        SSO_CREATED = "sso_created", _("Single sign-on: joined as a viewer")
        SSO_LINKED = "sso_linked", _("Single sign-on: linked to an existing account")
        DOMAIN_ADDED = "domain_added", _("E-mail domain mapped")
        DOMAIN_REMOVED = "domain_removed", _("E-mail domain removed")
        SSO_SETTING = "sso_setting", _("Single sign-on setting changed")
        KEY_CREATED = "key_created", _("API key created")
        KEY_ROTATED = "key_rotated", _("API key rotated")
        KEY_REVOKED = "key_revoked", _("API key revoked")
        SCOPES_GRANTED = "scopes_granted", _("API scopes granted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        "core.User", verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    person = models.ForeignKey(
        "core.User", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="access_events",
    )
    email = models.EmailField(_("email address"), blank=True)
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("council"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        "councils.PartnerOrganisation", verbose_name=_("partner organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    summary = models.CharField(_("details"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        db_table = "core_accessevent"  # the table it had in core
        verbose_name = _("access record entry")
        verbose_name_plural = _("access record")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["council", "-at"], name="access_event_council")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.email}"


DOMAIN_PATTERN = r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


def sso_trusts_several_tenants() -> bool:
    """Whether single sign-on trusts more than one directory: several issuers listed (SSO_OIDC_ISSUERS), or Entra
    ID's multi-tenant endpoint (/organizations/ or /common/). Then only the tenant id tells one council's directory
    from another's, so every domain mapping must have one (README "Single sign-on")."""
    providers = settings.SOCIALACCOUNT_PROVIDERS or {}
    issuers = set()
    for app in providers.get("openid_connect", {}).get("APPS", []):
        app_settings = app.get("settings", {})
        server_url = app_settings.get("server_url", "")
        if "/organizations/" in server_url or "/common/" in server_url:
            return True
        listed = app_settings.get("openid_configuration_overrides", {}).get("issuer") or server_url
        issuers.update([listed] if isinstance(listed, str) else listed)
    return len(issuers) > 1


class EmailDomain(models.Model):
    """An e-mail domain whose people belong to a council: single sign-on matches them to it (people.sso).

    Kept by Digital Office staff. With a tenant id, a sign-in counts only when the identity provider says it came
    from that tenant (Microsoft Entra ID's `tid` claim), so another directory cannot claim the domain's addresses."""

    domain = models.CharField(
        _("e-mail domain"), max_length=253, unique=True,
        validators=[RegexValidator(DOMAIN_PATTERN, _("Write a domain such as glasgow.gov.uk, without the @."))],
    )
    council = models.ForeignKey("councils.Council", verbose_name=_("council"), on_delete=models.CASCADE,
                                related_name="email_domains")
    tenant_id = models.CharField(
        _("directory (tenant) id"), max_length=64, blank=True,
        help_text=_("Microsoft Entra ID: the council's tenant id. Sign-ins from any other tenant are refused."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        db_table = "councils_emaildomain"  # the table it had in councils
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")

    def __str__(self):
        return self.domain

    def clean(self):
        if not (self.tenant_id or "").strip() and sso_trusts_several_tenants():
            raise ValidationError({"tenant_id": _(
                "Enter the council's directory (tenant) id: single sign-on trusts several directories, so without "
                "it any of them could sign in as this domain's people."
            )})
