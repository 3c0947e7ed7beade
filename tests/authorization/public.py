"""The public portfolio's rules for the authorisation matrix: its pages and files are open to everyone, signed in or
not (the same answer for all: they hold only the allow-list), and answer GET only; the office's controls (what is
public, preview, publish) are the Digital Office's."""

from public.models import Publication
from tests.authorization.roles import DIGITAL_OFFICE, STAFF, Page, only

PUBLIC_PAGE = Page(get={"all": 200}, post=None, public=True)

EXPECTED = {
    "public:portfolio": PUBLIC_PAGE,
    "public:initiative": PUBLIC_PAGE,
    "public:map": PUBLIC_PAGE,
    "public:data": PUBLIC_PAGE,
    "public:catalog": PUBLIC_PAGE,
    "public:download": PUBLIC_PAGE,
    "public:archive": PUBLIC_PAGE,
    "public:archive_period": PUBLIC_PAGE,
    "public:sitemap": PUBLIC_PAGE,
    "public:robots": PUBLIC_PAGE,
    "public:office": Page(get=DIGITAL_OFFICE, post=None),
    "public:preview": Page(get=DIGITAL_OFFICE, post=None),
    "public:publish": Page(get=None, post=only(STAFF, 302)),  # nothing chosen: back to the list with the error
}


def world(w):
    publication = Publication.objects.first()  # the demo's publication (seeding.public_demo)
    return {"publication": publication, "public_reference": publication.data["initiatives"][0]["reference"]}


def page_kwargs(name, w):
    period = f"{w['publication'].period.starts_on:%Y-%m}"
    return {
        "public:initiative": {"reference": w["public_reference"]},
        "public:download": {"period": "latest", "filename": "initiatives.csv"},
        "public:archive_period": {"period": period},
        "public:preview": {"reference": w["initiative"].reference},
        "public:publish": {"reference": w["initiative"].reference},
    }.get(name)
