"""The funding pages, row by row (tests/page_cases.py): who sees which ledger, who is sent elsewhere or told the
page is not there, and each page's query baseline (measured 2026-12-07 on the small demo set)."""

from tests.page_cases import PageCase, PageChecks, page_cases

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"


# A signed-in page's baseline counts one query for the saved views its navigation lists by name (collaboration).
@page_cases(
    PageCase("/funding/", CDO, contains=("Funding ledger",), max_queries=6),
    # Council staff see their own council's contributions only: the ledger sends them there.
    PageCase("/funding/", GLASGOW_VIEWER, status=302, max_queries=3),
    PageCase("/funding/councils/glasgow-city/", GLASGOW_VIEWER,
             contains=("Glasgow City: contributions to the Digital Office",), max_queries=7),
    PageCase("/funding/councils/fife/", GLASGOW_VIEWER, status=404, max_queries=5),  # another council's: not there
    PageCase("/funding/", None, status=302, max_queries=0),
)
class TestFundingPages(PageChecks):
    pass
