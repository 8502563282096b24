from django.urls import path, re_path

from .views import alerts, diagnosis, method, ranking

app_name = "targeting"
# Public diagnosis pages (ranking, map, method, a territory's diagnosis) and, behind roles, alerts and declared
# industrial events. Mounted at /ciblage/ (config/urls.py).
FMT = r"(?P<fmt>csv|xlsx)"
PHASE = r"(?P<phase>\d{4}-\d{4})"
urlpatterns: list = [
    path("", ranking.ranking_page, name="ranking"),
    path("carte.geojson", ranking.ranking_geojson, name="ranking_geojson"),
    re_path(rf"^classement\.{FMT}$", ranking.ranking_export, name="ranking_export"),
    path("epci/<str:siren>/", diagnosis.epci_diagnosis, name="epci"),
    re_path(rf"^epci/(?P<siren>\d{{9}})/diagnostic\.{FMT}$", diagnosis.epci_diagnosis_export, name="epci_export"),
    re_path(
        rf"^territoires/{PHASE}/(?P<code>[\w-]+)/diagnostic\.{FMT}$",
        diagnosis.territory_diagnosis_export,
        name="territory_export",
    ),
    path("methode/", method.method, name="method"),
    re_path(rf"^methode\.{FMT}$", method.method_export, name="method_export"),
    re_path(rf"^comparaison\.{FMT}$", method.comparison_export, name="comparison_export"),
    path("alertes/", alerts.alerts, name="alerts"),
    re_path(rf"^alertes\.{FMT}$", alerts.alerts_export, name="alerts_export"),
]
