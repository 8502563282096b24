from django.urls import path

from .views import method_edit

app_name = "targeting"
# Public diagnosis pages (ranking, map, method, a territory's diagnosis) and, behind roles, alerts and declared
# industrial events. Mounted at /ciblage/ (config/urls.py).
urlpatterns: list = [
    path("methode/nouvelle-version/", method_edit.method_edit, name="method_edit"),
]
