from django.urls import path  # noqa: F401

app_name = "targeting"
# Public diagnosis pages (ranking, map, method, a territory's diagnosis) and, behind roles, alerts and declared
# industrial events. Mounted at /ciblage/ (config/urls.py).
urlpatterns: list = []
