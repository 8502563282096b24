from django.urls import path

from .views import alert_actions, events, method_edit

app_name = "targeting"
# Public diagnosis pages (ranking, map, method, a territory's diagnosis) and, behind roles, alerts and declared
# industrial events. Mounted at /ciblage/ (config/urls.py).
urlpatterns: list = [
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
