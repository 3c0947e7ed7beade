"""Browser journeys: Playwright driving Debian's headless Chromium against the live test server,
with axe-core run on every page visited and screenshots kept in test-artifacts/screenshots/."""

import json
import os
import re
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_SCRIPT.read_text(encoding="utf-8") + "\n;true" if AXE_SCRIPT.exists() else ""
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: `make test` installs Debian's chromium package.")
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_data(transactional_db, reference_data):
    """Reference and demo data in the live server's database (transactional tests start empty)."""
    from tests.conftest import committed_demo_data

    return committed_demo_data()


class Visitor:
    """A person at the browser: visits pages, checks each with axe, keeps screenshots."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.axe_results = {}
        # The browser reports what the Content-Security-Policy blocked on its console: none is allowed.
        self.csp_violations = []
        page.on("console", lambda message: self._console(message))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def goto(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def axe_violations(self):
        """axe-core's WCAG 2.2 AA violations on the page as it is now, summarised (rule, impact, help, nodes)."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the page's Content-Security-Policy rightly refuses a script
            # tag.
            self.page.evaluate(AXE_SOURCE)
        # Transitions still running (a button's focus colour fading after focus moved on) are finished first, so
        # that axe measures the colours the page settles on, not a frame in between.
        self.page.evaluate("() => document.getAnimations().forEach(animation => animation.finish())")
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
        )
        return [
            {"rule": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    def check_accessibility(self, name):
        """Run axe-core (WCAG 2.2 AA tags) on the page as it is now; fail with every violation listed."""
        violations = self.axe_violations()
        self.axe_results[name] = len(violations)
        assert not self.csp_violations, "the Content-Security-Policy blocked:\n" + "\n".join(self.csp_violations)
        self.screenshot(name)
        assert not violations, (
            f"axe found {len(violations)} WCAG violation(s) on {name} ({self.page.url}):\n"
            + json.dumps(violations, indent=1)
        )

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"), full_page=True)

    def login(self, email, password="scotland-digital-2020"):
        """Sign in as a person would; Digital Office staff then type the code their authenticator shows (the demo
        accounts share a published secret: seeding.demo.demo_totp_code computes it as allauth checks it)."""
        from seeding.demo import demo_totp_code

        self.goto("/accounts/logout/")
        if self.page.locator("form button[type=submit]").count():
            self.page.locator("main form button[type=submit]").first.click()
        self.goto("/accounts/login/")
        self.page.fill("#id_login", email)
        self.page.fill("#id_password", password)
        self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in self.page.url:
            self.page.fill("#id_code", demo_totp_code())
            self.page.locator("main form button[type=submit]").first.click()
            self.page.wait_for_load_state()
            if "/accounts/2fa/authenticate/" in self.page.url:  # a code is good once: an earlier sign-in used it
                self.page.wait_for_timeout((30 - time.time() % 30 + 1) * 1000)
                self.page.fill("#id_code", demo_totp_code())
                self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_url(self.base_url + "/")


@pytest.fixture
def visitor(browser, live_server, browser_data):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Visitor(page, live_server.url)
    context.close()
