"""The open data files of a publication: each table (initiatives, status history, milestones, benefits) as CSV, XLSX
and JSON, written whole through Django's storage API (core/storage.py), each carrying the OGL v3 attribution."""

import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from core.exports import Column, Sheet, csv_response, xlsx_workbook_response

LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


def _joined(items, key=None):
    return "; ".join(str(item[key] if key else item) for item in items)


def _status(row, key):
    return (row.get("status") or {}).get(key)


INITIATIVE_COLUMNS = [
    Column("id", lambda r: r["id"]),
    Column("reference", lambda r: r["reference"]),
    Column("title", lambda r: r["title"]),
    Column("summary", lambda r: r["summary"]),
    Column("theme", lambda r: r["theme_title"]),
    Column("outcomes", lambda r: _joined(r["outcomes"], "title")),
    Column("stage", lambda r: r["stage"]),
    Column("lead_council", lambda r: r["lead_council_name"]),
    Column("lead_council_gss_code", lambda r: r["lead_council_gss_code"]),
    Column("councils_gss_codes", lambda r: _joined(r["councils"], "gss_code")),
    Column("partners", lambda r: _joined(r["partners"])),
    Column("owner", lambda r: r["owner"]),
    Column("start_date", lambda r: r["start_date"]),
    Column("planned_end_date", lambda r: r["end_date"]),
    Column("budget_gbp", lambda r: r["budget"]),
    Column("status_period", lambda r: _status(r, "period")),
    Column("delivery_rating", lambda r: _status(r, "rag_delivery")),
    Column("delivery_commentary", lambda r: _status(r, "delivery_commentary")),
    Column("benefits_rating", lambda r: _status(r, "rag_benefits")),
    Column("benefits_commentary", lambda r: _status(r, "benefits_commentary")),
    Column("percent_complete", lambda r: _status(r, "percent_complete")),
    Column("spend_to_date_gbp", lambda r: _status(r, "spend_to_date")),
    Column("open_risks_high", lambda r: r["open_risks"]["high"]),
    Column("open_risks_medium", lambda r: r["open_risks"]["medium"]),
    Column("open_risks_low", lambda r: r["open_risks"]["low"]),
    Column("last_modified", lambda r: r["last_modified"]),
]
STATUS_COLUMNS = [
    Column("id", lambda r: r["id"]),
    Column("initiative_id", lambda r: r["initiative_id"]),
    Column("reference", lambda r: r["reference"]),
    Column("period", lambda r: r["period"]),
    Column("delivery_rating", lambda r: r["rag_delivery"]),
    Column("delivery_commentary", lambda r: r["delivery_commentary"]),
    Column("benefits_rating", lambda r: r["rag_benefits"]),
    Column("benefits_commentary", lambda r: r["benefits_commentary"]),
    Column("percent_complete", lambda r: r["percent_complete"]),
    Column("spend_to_date_gbp", lambda r: r["spend_to_date"]),
]
MILESTONE_COLUMNS = [
    Column(name, lambda r, name=name: r[name])
    for name in ("id", "reference", "title", "baseline_date", "forecast_date", "completed_on")
]
BENEFIT_COLUMNS = [
    Column(heading, lambda r, key=key: r[key])
    for heading, key in (
        ("id", "id"), ("reference", "reference"), ("council_gss_code", "council_gss_code"),
        ("council", "council_name"), ("title", "title"), ("category", "category"), ("unit", "unit"),
        ("baseline", "baseline_value"), ("target", "target_value"), ("realised", "realised_value"),
        ("status", "status"),
    )
]

# name: (title, description, columns, the key of its rows in a publication's tables)
DATASETS = {
    "initiatives": (
        _("Initiatives"),
        _("The public initiatives of the portfolio, with their approved delivery and benefits ratings."),
        INITIATIVE_COLUMNS,
    ),
    "status-history": (
        _("Approved status history"),
        _("One row per initiative per reporting period: the approved ratings, with stable ids across years."),
        STATUS_COLUMNS,
    ),
    "milestones": (
        _("Milestones"), _("Each public initiative's milestones, baseline and forecast."), MILESTONE_COLUMNS
    ),
    "benefits": (_("Benefits"), _("Benefits targeted and realised, per council."), BENEFIT_COLUMNS),
}
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _csv_bytes(rows, columns) -> bytes:
    response = csv_response(rows, columns, "data")
    body = b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)
    return body + f"# {ATTRIBUTION} {LICENCE_URL}\r\n".encode()


def _xlsx_bytes(title, rows, columns) -> bytes:
    licence = [Column("licence", lambda r: r[0]), Column("url", lambda r: r[1])]
    sheets = [Sheet(str(title), columns, rows), Sheet("Licence", licence, [(ATTRIBUTION, LICENCE_URL)])]
    return xlsx_workbook_response(sheets, "data").content


def _json_bytes(name, period, rows) -> bytes:
    document = {"dataset": name, "period": period, "licence": LICENCE_URL, "attribution": ATTRIBUTION, "rows": rows}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def write(prefix: str, period: dict, tables: dict) -> dict:
    """Every dataset in every format under `prefix`; the names saved, by file name ("initiatives.csv")."""
    saved = {}
    for name, (title, _description, columns) in DATASETS.items():
        rows = tables[name]
        contents = {
            "csv": _csv_bytes(rows, columns),
            "xlsx": _xlsx_bytes(title, rows, columns),
            "json": _json_bytes(name, period, rows),
        }
        for extension, content in contents.items():
            saved[f"{name}.{extension}"] = default_storage.save(f"{prefix}/{name}.{extension}", ContentFile(content))
    return saved


def read_tables(files: dict) -> dict:
    """A publication's tables, read back from its JSON files (the source of a rewrite)."""
    tables = {}
    for name in DATASETS:
        with default_storage.open(files[f"{name}.json"]) as handle:
            tables[name] = json.loads(handle.read())["rows"]
    return tables


def remove(files: dict) -> None:
    for stored in files.values():
        default_storage.delete(stored)


def read(stored: str) -> bytes:
    with default_storage.open(stored) as handle:
        return handle.read()
