"""Who may do what with the public portfolio (README "Public portfolio and open data"), in one place.

Everyone, signed in or not, reads the public pages and open data: they hold only what public.selectors allow-lists.
What is public, and the preview of a fact sheet before it is published, are the Digital Office's to decide.
"""

from initiatives import policies as portfolio_policies


def can_manage_publication(user) -> bool:
    return portfolio_policies.can_set_publication(user)
