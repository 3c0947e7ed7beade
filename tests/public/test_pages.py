"""The public pages from the outside: no sign-in, no cookie, cache headers and 304s, the rate limit, the filters,
the fact sheet, the attribution and dates on every page, the DCAT catalogue as JSON-LD, robots.txt and the sitemap."""

import json

import pytest
from django.core.cache import cache as shared_cache
from django.test import Client
from pyld import jsonld

from initiatives.models import Initiative, Participation
from public import selectors
from public.models import Publication

pytestmark = pytest.mark.django_db

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
PAGES = ["/public/", "/public/councils/", "/public/data/", "/public/archive/"]


@pytest.fixture
def publication(demo_data):
    return Publication.objects.get()


def test_public_pages_need_no_sign_in_and_set_no_cookie(publication):
    client = Client(enforce_csrf_checks=True)
    reference = publication.data["initiatives"][0]["reference"]
    for path in [*PAGES, f"/public/initiatives/{reference}/", "/public/data/catalog.jsonld",
                 "/public/data/latest/initiatives.csv", "/public/sitemap.xml", "/robots.txt"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.cookies, (path, list(response.cookies))
        assert response["Cache-Control"] == "public, max-age=300"
        assert "Cookie" not in response.get("Vary", "")
        assert response["ETag"] and response["Last-Modified"]


def test_every_page_names_the_licence_and_its_dates(publication):
    for path in PAGES:
        text = Client().get(path).content.decode()
        assert OGL in text
        assert "Data as of" in text and "Last modified" in text and publication.period.label in text
        assert 'href="/accessibility/"' in text
        assert '<meta property="og:title"' in text and '<meta name="description"' in text


def test_an_unchanged_page_answers_304_and_a_withdrawal_changes_the_etag(publication, login_as):
    first = Client().get("/public/")
    again = Client().get("/public/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    since = Client().get("/public/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    reference = publication.data["initiatives"][0]["reference"]
    staff = login_as("cdo@demo.digitaloffice.scot")
    staff.post(f"/office/public/{reference}/publish/", {"publication": "withheld"})
    after = Client().get("/public/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]


def test_a_signed_in_visitor_gets_the_same_page(publication, login_as):
    anonymous = Client().get("/public/").content
    signed_in = login_as("editor@glasgow.demo.digitaloffice.scot").get("/public/")
    assert signed_in.status_code == 200
    assert signed_in.content == anonymous
    assert "editor@glasgow" not in signed_in.content.decode()


def test_one_address_is_limited(publication, settings):
    settings.PUBLIC_RATE_LIMIT_PER_MINUTE = 3
    shared_cache.clear()
    client = Client(REMOTE_ADDR="192.0.2.7")
    statuses = [client.get("/public/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert Client(REMOTE_ADDR="192.0.2.8").get("/public/").status_code == 200
    shared_cache.clear()


def test_the_portfolio_filters_by_council_theme_outcome_stage_and_words(publication):
    highland = "S12000017"
    text = Client().get(f"/public/?council={highland}").content.decode()
    expected = [row["reference"] for row in publication.data["initiatives"]
                if any(c["gss_code"] == highland for c in row["councils"])]
    assert expected
    for row in publication.data["initiatives"]:
        assert (f"/public/initiatives/{row['reference']}/" in text) == (row["reference"] in expected)
    row = publication.data["initiatives"][0]
    assert f"/public/initiatives/{row['reference']}/" in Client().get(
        "/public/", {"q": row["title"].split()[0], "theme": row["theme_slug"], "stage": row["stage"]}).content.decode()
    assert "No public initiative matches" in Client().get("/public/?q=zzzz-nothing").content.decode()
    if row["outcomes"]:
        number = row["outcomes"][0]["number"]
        assert row["reference"] in Client().get(f"/public/?outcome={number}").content.decode()


def test_the_fact_sheet_shows_the_approved_status_and_the_councils(publication):
    row = next(r for r in publication.data["initiatives"] if r["status"])
    text = Client().get(f"/public/initiatives/{row['reference']}/").content.decode()
    assert f"<title>{row['reference']} {row['title']}" in text
    assert row["lead_council_gss_code"] in text and "Approved status" in text
    assert "Published practice" in text
    for council in row["councils"]:
        assert council["gss_code"] in text
    initiative = Initiative.objects.get(reference=row["reference"])
    approved = initiative.updates.filter(state="approved").order_by("-period__starts_on").first()
    assert approved.rag_delivery.capitalize() in text
    assert Client().get("/public/initiatives/DO-9999/").status_code == 404


def test_a_proposed_initiative_is_not_public(publication):
    proposed = Initiative.objects.filter(stage="proposed").first()
    assert proposed.pk not in selectors.public_initiative_ids()
    assert Client().get(f"/public/initiatives/{proposed.reference}/").status_code == 404


def test_the_map_counts_participation_never_maturity(publication):
    text = Client().get("/public/councils/").content.decode()
    assert text.count('class="portal-hex ') == 32
    assert "maturity" not in text.lower()
    highland = next(c for c in publication.data["councils"] if c["gss_code"] == "S12000017")
    public = set(selectors.public_initiative_ids())
    assert highland["led"] == Participation.objects.filter(
        council__gss_code="S12000017", role="lead", initiative_id__in=public).count()


def test_the_catalogue_is_dcat_json_ld(publication):
    response = Client().get("/public/data/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    expanded = jsonld.expand(json.loads(response.content))
    dcat, dct = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    catalog = expanded[0]
    assert catalog["@type"] == [f"{dcat}Catalog"]
    assert catalog[f"{dct}license"][0]["@id"].startswith("https://www.nationalarchives.gov.uk/doc/open-government")
    datasets = catalog[f"{dcat}dataset"]
    assert {d[f"{dct}identifier"][0]["@value"] for d in datasets} == {
        "digital-office-initiatives", "digital-office-status-history", "digital-office-milestones",
        "digital-office-benefits"}
    for dataset in datasets:
        for name in ("title", "description", "modified", "publisher", "license"):
            assert f"{dct}{name}" in dataset, name
        formats = {d[f"{dct}format"][0]["@value"] for d in dataset[f"{dcat}distribution"]}
        assert formats == {"CSV", "XLSX", "JSON"}
        for distribution in dataset[f"{dcat}distribution"]:
            url = distribution[f"{dcat}downloadURL"][0]["@id"]
            assert Client().get(url.replace("http://testserver", "")).status_code == 200


def test_the_data_page_has_schema_org_datasets(publication):
    text = Client().get("/public/data/").content.decode()
    start = text.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    items = json.loads(text[start:text.index("</script>", start)])
    assert {item["@type"] for item in items} == {"Dataset"}
    assert all(item["license"].startswith("https://www.nationalarchives.gov.uk/") for item in items)


def test_robots_and_sitemap_cover_the_public_part_only(publication):
    robots = Client().get("/robots.txt").content.decode()
    assert "Allow: /public/" in robots and "Disallow: /\n" in robots
    assert "Sitemap: http://testserver/public/sitemap.xml" in robots
    sitemap = Client().get("/public/sitemap.xml").content.decode()
    locations = [line.split("<loc>")[1].split("</loc>")[0] for line in sitemap.splitlines() if "<loc>" in line]
    assert locations and all(url.startswith("http://testserver/public/") for url in locations)
    for row in publication.data["initiatives"]:
        assert f"http://testserver/public/initiatives/{row['reference']}/" in locations


def test_every_distribution_carries_the_attribution(publication):
    for extension in ("csv", "json"):
        body = Client().get(f"/public/data/latest/initiatives.{extension}").content.decode("utf-8-sig")
        assert OGL in body
    response = Client().get("/public/data/latest/milestones.xlsx")
    assert 'attachment; filename="digital-office-milestones-' in response["Content-Disposition"]
    assert 'rel="license"' in response["Link"]


def test_funding_totals_only_when_turned_on(publication, settings):
    assert publication.data["funding_totals"] is None
    settings.PUBLIC_SHOW_FUNDING_TOTALS = True
    assert selectors.funding_totals()
