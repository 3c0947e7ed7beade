"""The contracts pages, row by row (tests/page_cases.py): the register and the renewal radar for staff and for a
council's viewer, signed-out visitors sent to sign in, and each page's query baseline (measured 2026-12-07 on the
small demo set)."""

from tests.page_cases import PageCase, PageChecks, page_cases

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"


# A signed-in page's baseline counts one query for the saved views its navigation lists by name (collaboration).
@page_cases(
    PageCase("/contracts/", CDO, contains=("Contracts register",), max_queries=5),
    PageCase("/contracts/", GLASGOW_VIEWER, contains=("Contracts register",), max_queries=6),
    PageCase("/contracts/radar/", CDO, contains=("Renewal radar",), max_queries=6),
    PageCase("/contracts/", None, status=302, max_queries=0),
)
class TestContractsPages(PageChecks):
    pass
