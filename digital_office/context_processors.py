"""What every page's navigation may offer this person, asked of each app's policies (templates decide nothing)."""

from functools import partial

from collaboration import policies as collaboration_policies
from collaboration import selectors as collaboration_selectors
from contracts import policies as contract_policies
from core import policies as core_policies
from councils import policies as funding_policies
from initiatives import policies as portfolio_policies
from partner_access import policies as access_policies
from practice import policies as practice_policies
from strategy import policies as strategy_policies


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "portfolio": portfolio_policies.can_read_portfolio(user),
            "my_council": portfolio_policies.can_see_my_council(user),
            "review": portfolio_policies.can_review_updates(user),
            "strategy": strategy_policies.can_read_strategy(user),
            "maturity": strategy_policies.can_read_maturity(user),
            "funding": funding_policies.can_read_some_funding(user),
            "contracts": contract_policies.can_use_register(user),
            "practice": practice_policies.can_read_library(user),
            "search": practice_policies.can_read_library(user),
            "reports": portfolio_policies.can_read_portfolio(user),
            "api_keys": access_policies.can_use_keys_page(user),
            "people": core_policies.can_manage_people(user),
            "admin": core_policies.can_use_admin(user),
            "notifications": collaboration_policies.can_have_notifications(user),
            "saved_views": collaboration_policies.can_save_views(user),
            # Read only where a page's template lists them (the template calls it): {"views": [...], "more": bool}.
            "saved_view_links": partial(collaboration_selectors.navigation_saved_views, user),
        }
    }
