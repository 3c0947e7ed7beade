"""Crawl the portal as one signed-in person and measure every page reached: horizontal page scroll (WCAG 1.4.10
reflow), tables cut off by their wrapper, and duplicate ids.

The reflow test (test_reflow.py) uses it; it also runs on its own against a running portal, to measure:

    .venv/bin/python -m tests.browser.crawl --base http://127.0.0.1:8000 [--width 320] [--email ...]

One page per URL pattern is visited (the first link found to it), so the crawl covers every kind of page a
person can reach by following links without visiting all 2,000 initiatives. Links that download a file, sign
out, change the language or lead outside the portal's own pages (the admin site, the API) are not followed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

DEMO_EMAILS = {
    "cdo": "cdo@demo.digitaloffice.scot",
    "glasgow-editor": "editor@glasgow.demo.digitaloffice.scot",
    "glasgow-viewer": "viewer@glasgow.demo.digitaloffice.scot",
    "fife-editor": "editor@fife.demo.digitaloffice.scot",
    "highland-editor": "editor@highland.demo.digitaloffice.scot",
    "partner": "partner@scottish-government.demo.digitaloffice.scot",
}
DEMO_PASSWORD = "scotland-digital-2020"

# Not the portal's own pages, or not a page at all.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/i18n/", "/accounts/logout/", "/healthz")
SKIPPED_QUERY = ("export=",)

# Measured in the page: how wide the page is against the viewport, tables cut off inside a box that does not
# scroll, and ids used more than once.
MEASURE = """() => {
    const root = document.documentElement;
    const clipped = [];
    for (const table of document.querySelectorAll('main table')) {
        let box = table.parentElement;
        const style = getComputedStyle(box);
        const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
        if (table.scrollWidth > box.clientWidth + 1 && !scrolls) {
            clipped.push({table: table.id || table.className, width: table.scrollWidth, box: box.clientWidth});
        }
    }
    const seen = {};
    for (const el of document.querySelectorAll('[id]')) { seen[el.id] = (seen[el.id] || 0) + 1; }
    const duplicates = Object.entries(seen).filter(([, n]) => n > 1).map(([id]) => id);
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, clipped, duplicates};
}"""

# Tables wider than the box they scroll in: at 1280 px the portfolio list must fit without hidden columns.
OVERFLOWING_TABLES = """() => Array.from(document.querySelectorAll('main table')).filter(
    t => t.scrollWidth > t.parentElement.clientWidth + 1
).map(t => ({caption: (t.caption && t.caption.textContent.trim()) || t.className,
             width: t.scrollWidth, box: t.parentElement.clientWidth}))"""

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !a.hasAttribute('download'))
    .map(a => a.href)"""


@dataclass
class PageResult:
    route: str
    path: str
    width: int
    scroll_width: int
    client_width: int
    clipped: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)

    @property
    def scrolls_sideways(self):
        return self.scroll_width > self.client_width


def login(page, base_url, email, password=DEMO_PASSWORD):
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base_url + "/")


def _route_of(path, resolve):
    """The URL pattern a path belongs to, so one page of each kind is visited."""
    try:
        match = resolve(urlsplit(path).path)
    except Exception:  # noqa: BLE001 - a 404 path is simply not a page of the portal
        return None
    # Milestones, risks and benefits share one view but are different forms.
    return match.view_name + (f":{match.kwargs['kind']}" if "kind" in match.kwargs else "")


def crawl(page, base_url, *, resolve, start="/", max_pages=120, on_page=None):
    """Follow links breadth-first from `start`; call on_page(page, route, path) once per URL pattern.

    Returns the list of (route, path) visited, in the order visited.
    """
    host = urlsplit(base_url).netloc
    queue = deque([start])
    routes_seen = set()
    visited = []
    while queue and len(visited) < max_pages:
        path = queue.popleft()
        route = _route_of(path, resolve)
        if route is None or route in routes_seen:
            continue
        routes_seen.add(route)
        response = page.goto(base_url + path)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append((route, path))
        if on_page:
            on_page(page, route, path)
        for href in page.evaluate(LINKS):
            href, _fragment = urldefrag(href)
            parts = urlsplit(href)
            if parts.netloc != host:
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.startswith(SKIPPED_PREFIXES) or any(q in parts.query for q in SKIPPED_QUERY):
                continue
            if parts.path.endswith("/download/"):
                continue
            if _route_of(link, resolve) not in routes_seen:
                queue.append(link)
    return visited


SETTLE = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"""


def measure(page, route, path, width) -> PageResult:
    """Lay the page out at `width` CSS pixels (400% zoom of a 1280 px window is 320) and measure it."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate(SETTLE)
    if page.locator("canvas").count():
        page.wait_for_timeout(300)  # Chart.js redraws its canvases for the new width a moment later
    result = page.evaluate(MEASURE)
    return PageResult(
        route=route,
        path=path,
        width=width,
        scroll_width=result["scrollWidth"],
        client_width=result["clientWidth"],
        clipped=result["clipped"],
        duplicates=result["duplicates"],
    )


def main(argv=None):
    import django
    from django.urls import resolve
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.local")
    django.setup()

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--width", type=int, action="append", help="viewport widths (default 320 and 1280)")
    parser.add_argument("--role", action="append", choices=sorted(DEMO_EMAILS), help="demo roles (default all)")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    args = parser.parse_args(argv)
    widths = args.width or [320, 1280]
    roles = args.role or list(DEMO_EMAILS)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for role in roles:
            context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            login(page, args.base, DEMO_EMAILS[role])

            def record(page, route, path, role=role):
                for width in widths:
                    results.append((role, measure(page, route, path, width)))
                page.set_viewport_size({"width": 1280, "height": 900})

            crawl(page, args.base, resolve=resolve, on_page=record)
            context.close()
        browser.close()
    for role, result in results:
        if args.json:
            print(json.dumps({"role": role, **result.__dict__}))
        else:
            flag = "SCROLLS" if result.scrolls_sideways else "ok"
            print(f"{role:16} {result.width:5} {result.scroll_width:6} {flag:8} {result.path}")
    for width in widths:
        at_width = [r for _role, r in results if r.width == width]
        widest = max(at_width, key=lambda r: r.scroll_width)
        failing = {r.path for r in at_width if r.scrolls_sideways}
        print(
            f"# {width} px: {len({r.path for r in at_width})} pages, {len(failing)} scroll sideways; "
            f"widest {widest.scroll_width} px at {widest.path}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
