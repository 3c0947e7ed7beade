"""Table-driven page checks, as NetBox's view test cases: an app's test module lists its pages as PageCase rows
(who asks, what they get, what the page must say, and the most queries it may take) and inherits the checks.

    @page_cases(PageCase("/funding/", CDO, contains=("Funding",), max_queries=12), ...)
    class TestFundingPages(PageChecks):
        pass

Each row is one test (its id names the path and the person). A page that starts to need more queries than its
baseline fails, so a lost select_related or a query per row shows up where the page is listed.
"""

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class PageCase:
    path: str
    user: str | None  # a demo account's e-mail; None: signed out
    status: int = 200
    contains: tuple[str, ...] = ()
    max_queries: int | None = None  # the baseline, measured when the row was written

    @property
    def id(self) -> str:
        return f"{self.path} as {self.user or 'signed out'}"


def page_cases(*cases: PageCase):
    """Parametrize a PageChecks class with its rows."""
    return pytest.mark.parametrize("case", cases, ids=[case.id for case in cases])


class PageChecks:
    """The checks every row gets: the status, the text, the query baseline; signed out, a page of the portal sends
    the visitor to sign in."""

    def test_page(self, case: PageCase, client, login_as, django_assert_max_num_queries):
        if case.user:
            login_as(case.user)
        limit = case.max_queries if case.max_queries is not None else 1000
        with django_assert_max_num_queries(limit):
            response = client.get(case.path)
        assert response.status_code == case.status, (case.id, response.status_code)
        if case.user is None and case.status == 302:
            assert "/accounts/login/" in response["Location"]
        text = response.content.decode()
        for expected in case.contains:
            assert expected in text, (case.id, expected)
