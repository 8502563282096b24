from django.urls import path, re_path

from .views import alert_actions, alerts, candidates, diagnosis, events, method, method_edit, ranking

app_name = "targeting"
# Public diagnosis pages (ranking, map, method, a territory's diagnosis) and, behind roles, alerts and declared
# industrial events. Mounted at /ciblage/ (config/urls.py).
FMT = r"(?P<fmt>csv|xlsx)"
PHASE = r"(?P<phase>\d{4}-\d{4})"
urlpatterns: list = [
    path("", ranking.ranking_page, name="ranking"),
    path("carte.geojson", ranking.ranking_geojson, name="ranking_geojson"),
    re_path(rf"^classement\.{FMT}$", ranking.ranking_export, name="ranking_export"),
    path("candidats/", candidates.candidates, name="candidates"),
    re_path(rf"^candidats\.{FMT}$", candidates.candidates_export, name="candidates_export"),
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
    path("methode/nouvelle-version/", method_edit.method_edit, name="method_edit"),
    # --- declared industrial events (views/events.py) ---
    path("evenements/", events.events, name="events"),
    path("evenements/declarer/", events.event_create, name="event_create"),
    path("evenements/<int:pk>/", events.event_detail, name="event"),
    path("evenements/<int:pk>/modifier/", events.event_edit, name="event_edit"),
    # --- end of declared industrial events ---
    # --- following up an alert (views/alert_actions.py) ---
    path("alertes/<int:pk>/suite/", alert_actions.alert_follow_up, name="alert_follow_up"),
    # --- end of following up an alert ---
]
