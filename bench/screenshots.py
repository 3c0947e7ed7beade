"""Screenshots of the dashboard, its map and the contracts radar for the README (docs/screenshots/), from a running
portal with demo data:

    .venv/bin/python manage.py runserver 127.0.0.1:8000 &   # or make run
    .venv/bin/python bench/screenshots.py --base http://127.0.0.1:8000

Drives Debian's Chromium through Playwright, signed in as the demo Chief Digital Officer (the demo TOTP secret).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.test")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def main():
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from seeding.demo import DEMO_PASSWORD, demo_totp_code

    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", choices=["benefits"], help="only these screenshots (benefits: the register)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page.goto(args.base + "/accounts/login/")
        page.fill("#id_login", "cdo@demo.digitaloffice.scot")
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        if "/2fa/" in page.url:
            page.fill("#id_code", demo_totp_code())
            page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(args.base + "/")
        if args.only == "benefits":  # the benefits register (issue 26) and the dashboard's figure by grade
            page.locator('[data-benefits="by-grade"]').locator("xpath=..").screenshot(
                path=str(out / "dashboard-benefits-by-grade.png"))
            page.goto(args.base + "/benefits/")
            page.screenshot(path=str(out / "benefits-register.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1280, "height": 1700})  # the figures, the first rows
            browser.close()
            print(f"saved {out / 'benefits-register.png'} and {out / 'dashboard-benefits-by-grade.png'}")
            return
        page.wait_for_timeout(1500)  # the charts' animation
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        page.goto(args.base + "/dashboard/?council=&measure=status#map")
        page.locator(".portal-hex").first.focus()
        page.wait_for_timeout(300)
        page.locator("#map-section").screenshot(path=str(out / "map.png"))
        page.goto(args.base + "/contracts/radar/")  # the contracts renewal radar (issue 24)
        page.screenshot(path=str(out / "radar.png"), full_page=True)
        browser.close()
    print(f"saved {out / 'dashboard.png'}, {out / 'map.png'} and {out / 'radar.png'}")


if __name__ == "__main__":
    main()
