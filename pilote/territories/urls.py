from django.urls import path, re_path

from . import views

app_name = "territories"
PHASE = r"(?P<phase>\d{4}-\d{4})"
urlpatterns = [
    path("", views.home, name="home"),
    re_path(rf"^carte/{PHASE}\.geojson$", views.phase_geojson_view, name="phase_geojson"),
    path("recherche/", views.search, name="search"),
    path("territoires/", views.territory_list, name="list"),
    re_path(rf"^territoires/{PHASE}/(?P<code>[\w-]+)/$", views.territory_detail, name="detail"),
    re_path(rf"^territoires/{PHASE}/(?P<code>[\w-]+)/fiche\.pdf$", views.territory_sheet, name="sheet"),
    path("epci/<str:siren>/", views.epci_detail, name="epci"),
    path("communes/<str:code>/", views.commune_detail, name="commune"),
    path("evolution/", views.compare, name="compare"),
    path("evolution.csv", views.compare_csv, name="compare_csv"),
]
