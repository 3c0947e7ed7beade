"""People and their access: invitations, teams, roles, single sign-on (e-mail domains) and the access record.

A layer above `councils` (its records name councils and partners) and below the apps that use the portal's people.
The user model itself stays in `core` (AUTH_USER_MODEL), with what every request needs: roles (core.roles), the
rights they give (core.policies) and the second factor (core.second_factor)."""
