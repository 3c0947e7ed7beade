"""The public pages and open data (no sign-in), served from the latest publication (public.http), and the office's
controls (sign-in, Digital Office only). Views parse, call one selector or service, and render."""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from councils.hexmap import HEX_SIZE, hexagon, layout, name_lines
from initiatives import selectors as portfolio

from . import files, selectors
from .http import public_view

PAGE_SIZE = 50
_memo: dict = {}


def _data(publication) -> dict:
    """The publication's data, parsed once per process and rewrite (its generation and the time of the rewrite: a
    rewrite rolled back after a read here leaves the generation's number to the next one)."""
    if publication is None:
        return {}
    key = (publication.pk, publication.generation, publication.modified_at)
    if key not in _memo:
        _memo.clear()
        _memo[key] = selectors.publication_data(publication.pk)
    return _memo[key]


def _page(request, publication, template, context):
    base = request.build_absolute_uri("/")[:-1]
    context = {"publication": publication, "period": _data(publication).get("period"), "site": base,
               "page_url": request.build_absolute_uri(request.path), **context}
    return render_to_string(template, context), "text/html; charset=utf-8", 200


def _matches(row, *, q, theme, outcome, stage, council) -> bool:
    if theme and row["theme_slug"] != theme:
        return False
    if outcome and not any(str(o["number"]) == outcome for o in row["outcomes"]):
        return False
    if stage and row["stage"] != stage:
        return False
    if council and not any(c["gss_code"] == council for c in row["councils"]):
        return False
    return not q or q in f"{row['reference']} {row['title']} {row['summary']}".casefold()


def _totals(rows, data) -> dict:
    stages = [(value, label, sum(1 for r in rows if r["stage"] == value)) for value, label in portfolio.Stage.choices]
    outcomes = [
        (o["number"], o["title"], sum(1 for r in rows if any(x["number"] == o["number"] for x in r["outcomes"])))
        for o in data.get("outcomes", [])
    ]
    return {"stages": [s for s in stages if s[2]], "outcomes": outcomes}


def _without_page(query) -> str:
    params = query.copy()
    params.pop("page", None)
    return params.urlencode()


@public_view
def portfolio_page(request, publication):
    data = _data(publication)
    chosen = {name: request.GET.get(name, "").strip() for name in ("theme", "outcome", "stage", "council")}
    q = request.GET.get("q", "").strip()
    rows = [r for r in data.get("initiatives", []) if _matches(r, q=q.casefold(), **chosen)]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(request, publication, "public/portfolio.html", {
        "page": page, "count": len(rows), "q": q, "chosen": chosen, "totals": _totals(rows, data),
        "themes": data.get("themes", []), "outcomes": data.get("outcomes", []), "stages": portfolio.Stage.choices,
        "councils": sorted(data.get("councils", []), key=lambda c: c["name"]),
        "funding_totals": data.get("funding_totals"),
        "base_query": _without_page(request.GET),
    })


def _sheet_context(sheet, data=None):
    return {
        "sheet": sheet,
        "stage_label": dict(portfolio.Stage.choices).get(sheet["stage"], sheet["stage"]),
        "milestones": sheet.get("milestones") or [m for m in (data or {}).get("milestones", [])
                                                  if m["reference"] == sheet["reference"]],
        "benefits": sheet.get("benefits") or [b for b in (data or {}).get("benefits", [])
                                              if b["reference"] == sheet["reference"]],
        "roles": dict(portfolio.ParticipationRole.choices),
    }


@public_view
def initiative_page(request, publication, reference):
    data = _data(publication)
    sheet = next((r for r in data.get("initiatives", []) if r["reference"] == reference), None)
    if sheet is None:
        return render_to_string("public/not_found.html", {}), "text/html; charset=utf-8", 404
    return _page(request, publication, "public/initiative.html", _sheet_context(sheet, data))


def participation_map(cells) -> dict:
    """The dashboard's hex cartogram (councils.hexmap), coloured by the public initiatives each council leads or
    joins: participation only, never maturity."""
    if not cells:
        return {"cells": []}
    centres, width, height = layout([(c["hex_col"], c["hex_row"]) for c in cells])
    bins = ((0, 0), (1, 5), (6, 15), (16, 40), (41, None))
    out = []
    for cell, (x, y) in zip(cells, centres, strict=True):
        total = cell["led"] + cell["joined"]
        index = next(i for i, (low, high) in enumerate(bins) if total >= low and (high is None or total <= high))
        out.append({**cell, "x": x, "y": y, "points": hexagon(x, y, HEX_SIZE - 2), "lines": name_lines(
            cell["short_name"]), "total": total, "measure_class": f"bin-{index}"})
    legend = [(f"bin-{i}", str(low) if low == high else (f"{low}+" if high is None else f"{low}–{high}"))
              for i, (low, high) in enumerate(bins)]
    return {"cells": out, "width": width, "height": height, "legend": legend}


@public_view
def map_page(request, publication):
    cells = _data(publication).get("councils", [])
    return _page(request, publication, "public/map.html", {"map": participation_map(cells)})


def _distributions(request, publication):
    out = []
    for name, (title, description, _columns) in files.DATASETS.items():
        links = [(ext, request.build_absolute_uri(reverse("public:download", args=["latest", f"{name}.{ext}"])), media)
                 for ext, media in files.FORMATS.items()]
        out.append({"name": name, "title": str(title), "description": str(description), "links": links})
    return out


def catalogue(request, publication) -> dict:
    """The DCAT-AP catalogue of the open data (JSON-LD), as ckanext-dcat maps it."""
    base = request.build_absolute_uri("/")[:-1]
    modified = publication.modified_at.isoformat() if publication else None
    datasets = []
    for item in _distributions(request, publication):
        datasets.append({
            "@id": f"{base}/public/data/#{item['name']}", "@type": "dcat:Dataset",
            "dct:title": item["title"], "dct:description": item["description"],
            "dct:identifier": f"digital-office-{item['name']}", "dct:modified": modified,
            "dct:license": {"@id": files.LICENCE_URL}, "dct:rights": files.ATTRIBUTION,
            "dct:publisher": {"@type": "foaf:Agent", "foaf:name": "Digital Office for Scottish Local Government"},
            "dct:accrualPeriodicity": {"@id": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"},
            "dct:spatial": {"@id": "http://statistics.data.gov.uk/id/statistical-geography/S92000003"},
            "dcat:keyword": ["local government", "digital", "Scotland"],
            "dcat:landingPage": {"@id": f"{base}{reverse('public:data')}"},
            "dcat:distribution": [{
                "@id": url, "@type": "dcat:Distribution", "dct:title": f"{item['title']} ({ext.upper()})",
                "dcat:accessURL": {"@id": url}, "dcat:downloadURL": {"@id": url}, "dcat:mediaType": media,
                "dct:format": ext.upper(), "dct:license": {"@id": files.LICENCE_URL},
            } for ext, url, media in item["links"]],
        })
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/"},
        "@id": f"{base}{reverse('public:catalog')}", "@type": "dcat:Catalog",
        "dct:title": "Digital Office for Scottish Local Government: open data",
        "dct:description": "The public portfolio of collaborative digital initiatives of Scotland's councils.",
        "dct:license": {"@id": files.LICENCE_URL}, "dct:rights": files.ATTRIBUTION, "dct:modified": modified,
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": "Digital Office for Scottish Local Government"},
        "dcat:dataset": datasets,
    }


def schema_org(request, publication) -> str:
    items = [{
        "@context": "https://schema.org", "@type": "Dataset", "name": item["title"], "description": item["description"],
        "license": files.LICENCE_URL, "creditText": files.ATTRIBUTION, "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "Digital Office for Scottish Local Government"},
        "spatialCoverage": "Scotland", "dateModified": publication.modified_at.isoformat() if publication else None,
        "distribution": [{"@type": "DataDownload", "encodingFormat": media, "contentUrl": url}
                         for _ext, url, media in item["links"]],
    } for item in _distributions(request, publication)]
    # JSON with <, > and & escaped cannot end the script element: safe to mark as such (the data is ours).
    escaped = json.dumps(items).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(escaped))  # noqa: S308


@public_view
def data_page(request, publication):
    return _page(request, publication, "public/data.html", {
        "datasets": _distributions(request, publication), "schema_org": schema_org(request, publication)})


@public_view
def catalog(request, publication):
    return json.dumps(catalogue(request, publication), indent=1), "application/ld+json", 200


@public_view(keep=False)
def download(request, publication, period, filename):
    found = publication if period == "latest" else selectors.publication_for(f"{period}-01")
    if found is None or filename not in found.files:
        raise Http404
    extension = filename.rsplit(".", 1)[1]
    from_storage = files.read(found.files[filename])
    name = f"digital-office-{filename.rsplit('.', 1)[0]}-{found.period.starts_on:%Y-%m}.{extension}"
    response = HttpResponse(from_storage, content_type=files.FORMATS[extension])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public_view
def archive(request, publication):
    return _page(request, publication, "public/archive.html", {"publications": selectors.publications()})


@public_view
def archive_period(request, publication, period):
    found = selectors.publication_for(f"{period}-01")
    if found is None:
        return render_to_string("public/not_found.html", {}), "text/html; charset=utf-8", 404
    return _page(request, publication, "public/archive_period.html", {
        "archived": found, "files": [(name, reverse("public:download", args=[period, name])) for name in found.files]})


@public_view
def sitemap(request, publication):
    urls = [reverse(name) for name in ("public:portfolio", "public:map", "public:data", "public:archive")]
    urls += [reverse("public:initiative", args=[row["reference"]]) for row in _data(publication).get("initiatives", [])]
    urls += [reverse("public:archive_period", args=[f"{p.period.starts_on:%Y-%m}"]) for p in selectors.publications()]
    body = render_to_string("public/sitemap.xml", {
        "urls": [request.build_absolute_uri(url) for url in urls],
        "modified": publication.modified_at.date().isoformat() if publication else None})
    return body, "application/xml; charset=utf-8", 200


@public_view
def robots(request, publication):
    body = render_to_string("public/robots.txt", {"sitemap": request.build_absolute_uri(reverse("public:sitemap"))})
    return body, "text/plain; charset=utf-8", 200
