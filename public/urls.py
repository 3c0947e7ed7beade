"""The public part (/public/, /robots.txt: no sign-in) and the office's controls (/office/public/)."""

from django.urls import path, re_path

from . import office_views, views

app_name = "public"

PERIOD = r"(?P<period>\d{4}-\d{2})"

urlpatterns = [
    path("public/", views.portfolio_page, name="portfolio"),
    path("public/initiatives/<str:reference>/", views.initiative_page, name="initiative"),
    path("public/councils/", views.map_page, name="map"),
    path("public/data/", views.data_page, name="data"),
    path("public/data/catalog.jsonld", views.catalog, name="catalog"),
    re_path(r"^public/data/(?P<period>\d{4}-\d{2}|latest)/(?P<filename>[a-z-]+\.(?:csv|xlsx|json))$", views.download,
            name="download"),
    path("public/archive/", views.archive, name="archive"),
    re_path(rf"^public/archive/{PERIOD}/$", views.archive_period, name="archive_period"),
    path("public/sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    path("office/public/", office_views.office, name="office"),
    path("office/public/<str:reference>/preview/", office_views.preview, name="preview"),
    path("office/public/<str:reference>/publish/", office_views.publish, name="publish"),
]
