"""The roles the authorisation matrix calls every URL as, and the two kinds of rule (Page, Api): shared by
tests/test_authorization_matrix.py and each app's rules in this package."""

from dataclasses import dataclass, field

from core.scopes import SCOPES

# -- the roles -----------------------------------------------------------------------------------------------------

VIEWER, LEAD, OBSERVER, UNRELATED, PARTNER = "council viewer", "lead editor", "observer editor", "unrelated editor", \
    "partner user"
STAFF, STAFF_NO_2FA, ANONYMOUS = "staff", "staff without 2FA", "anonymous"
SUPERUSER = "superuser"  # Digital Office staff too; in the admin, every model
KEYS = tuple(f"key {scope}" for scope in SCOPES)
READ_KEYS = tuple(key for key in KEYS if key != "key webhooks:manage")
PEOPLE = (ANONYMOUS, VIEWER, LEAD, OBSERVER, UNRELATED, PARTNER, STAFF, SUPERUSER, STAFF_NO_2FA)
ROLES = PEOPLE + KEYS

ACCOUNTS = {
    VIEWER: "viewer@glasgow.demo.digitaloffice.scot",  # Glasgow leads the sample initiative
    LEAD: "editor@glasgow.demo.digitaloffice.scot",
    OBSERVER: "editor@fife.demo.digitaloffice.scot",  # Fife observes it
    UNRELATED: "editor@highland.demo.digitaloffice.scot",  # Highland takes no part
    PARTNER: "partner@scottish-government.demo.digitaloffice.scot",
    STAFF: "cdo@demo.digitaloffice.scot",
    STAFF_NO_2FA: "cdo@demo.digitaloffice.scot",
    SUPERUSER: "root@example.org",
}

# Groups the rules speak of.
COUNCIL_STAFF = (VIEWER, LEAD, OBSERVER, UNRELATED)
EDITORS = (LEAD, OBSERVER, UNRELATED)
SIGNED_IN = (*COUNCIL_STAFF, PARTNER, STAFF)  # people whose session may act (staff: with their second factor)
NOT_SIGNED_IN = (ANONYMOUS, *KEYS)  # a key opens the API only; on a page it is nobody


# -- the rules -----------------------------------------------------------------------------------------------------


SAME = "same as GET"


@dataclass
class Page:
    """A portal page: `get` and `post` map roles (or groups) to the status they get; a signed-in role not named
    gets `otherwise` (403 unless said). `post` is by default the same as `get` (the page answers both alike); None:
    the page refuses the method (405). Signed-out callers are sent to sign in (302), and staff whose session has not
    used the second factor to enter it (302), before anything else is decided."""

    get: dict | None = None
    post: dict | None | str = SAME
    otherwise: int = 403
    public: bool = False  # open to everyone, signed in or not (the same status for all)
    account: bool = False  # the sign-in and account pages (allauth): staff without 2FA reach them too
    admin: bool = False  # an admin page: superusers are not simply Digital Office staff there

    def expected(self, role, method):
        role = STAFF if role == SUPERUSER and not self.admin else role
        statuses = self.get if method == "GET" or self.post == SAME else self.post
        if statuses is None and (self.public or self.account):  # refused before anything else
            return 405
        if self.public:
            return statuses["all"] if statuses is not None else 405
        if role in NOT_SIGNED_IN and (statuses is None or "signed out" not in statuses):
            return 302
        if role == STAFF_NO_2FA and not self.account:
            return 302
        if statuses is None:
            return 405
        if role in NOT_SIGNED_IN:
            return statuses["signed out"]
        for who, status in statuses.items():
            if role == who or (isinstance(who, tuple) and role in who):
                return status
        return self.otherwise


def everyone(status=200):
    return {SIGNED_IN: status}


def only(roles, status=200):
    return {roles if isinstance(roles, tuple) else (roles,): status}


@dataclass
class Api:
    """An API operation. Callers without a key or session get 401; a key needs the scope the schema names; signed-in
    people read with the scopes of their role (core.policies.scopes_of); staff without 2FA get 403. `people` and
    `keys` override the status for a role when the scope alone does not decide (a 404 for another council's
    record, a 201 for a create)."""

    ok: int = 200
    people: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    public: bool = False

    def expected(self, role, method, scope):
        role = STAFF if role == SUPERUSER else role
        if role == STAFF_NO_2FA:  # the API is closed to them altogether
            return 403
        if self.public:
            return self.ok
        if role == ANONYMOUS:
            return 401
        if role in KEYS:
            if role in self.keys:
                return self.keys[role]
            return self.ok if role == f"key {scope}" else 403
        if role == STAFF_NO_2FA:
            return 403
        if role in self.people:
            return self.people[role]
        return self.ok if scope in PERSON_SCOPES[role] else 403


PERSON_SCOPES = {
    **{role: {"councils:read", "strategy:read", "initiatives:read", "reports:read", "funding:read", "contracts:read"}
       for role in (*COUNCIL_STAFF, STAFF)},
    PARTNER: {"councils:read", "strategy:read", "initiatives:read", "reports:read"},
}

DIGITAL_OFFICE = only(STAFF)
FORM = 200  # a form posted empty comes back with its errors
