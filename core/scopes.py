"""The fixed set of scopes a partner API key can carry (docs/api.md lists what each opens)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

COUNCILS_READ = "councils:read"
STRATEGY_READ = "strategy:read"
INITIATIVES_READ = "initiatives:read"
REPORTS_READ = "reports:read"
FUNDING_READ = "funding:read"
WEBHOOKS_MANAGE = "webhooks:manage"
# Commercial terms: no key and no partner has it by default; the Digital Office gives it (README "Contracts").
CONTRACTS_READ = "contracts:read"
# The practice library's published assets and their adoptions (README "Practice library").
PRACTICE_READ = "practice:read"
# Comments in the conversations on initiatives (README "Working together"): off by default. A key reads them only
# while the Digital Office grants its organisation this scope (partner_access.ScopeGrant; core.policies.scopes_of
# asks the grant on every request, so taking the grant back closes them at once, whatever the key says).
COMMENTS_READ = "comments:read"

SCOPES = {
    COUNCILS_READ: _("Councils and partner organisations"),
    STRATEGY_READ: _("Themes, outcomes, measures and their readings"),
    INITIATIVES_READ: _("Initiatives, milestones, approved progress updates, risks and benefits"),
    REPORTS_READ: _("Reports and their files"),
    FUNDING_READ: _("Funding contributions of every council"),
    WEBHOOKS_MANAGE: _("Register and remove the partner's own webhooks"),
    CONTRACTS_READ: _("Contracts of every council: suppliers, values, dates and the councils using them"),
    PRACTICE_READ: _("The practice library's published assets and the councils that declare they reuse them"),
    COMMENTS_READ: _("Comments in the conversations on initiatives (only while the Digital Office allows the "
                     "organisation)"),
}
SCOPE_CHOICES = list(SCOPES.items())
READ_SCOPES = (COUNCILS_READ, STRATEGY_READ, INITIATIVES_READ, REPORTS_READ, FUNDING_READ, PRACTICE_READ)
# The change feed serves any of these; contracts:read and comments:read are not among the READ_SCOPES, which are
# the defaults.
FEED_SCOPES = (*READ_SCOPES, CONTRACTS_READ, COMMENTS_READ)
# Scopes that work on a key only while its organisation's grant includes them (core.policies.scopes_of).
GRANT_BOUND_SCOPES = frozenset({COMMENTS_READ})


def parse_scopes(text: str) -> list[str]:
    """`a,b` from the command line into a sorted list without repeats; unknown names are refused."""
    scopes = sorted({part.strip() for part in text.split(",") if part.strip()})
    validate_scopes(scopes)
    return scopes


def validate_scopes(value):
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one scope."))
    unknown = [scope for scope in value if scope not in SCOPES]
    if unknown:
        raise ValidationError(
            _("Unknown scope %(unknown)s; choose from %(known)s.")
            % {"unknown": ", ".join(map(str, unknown)), "known": ", ".join(SCOPES)}
        )
