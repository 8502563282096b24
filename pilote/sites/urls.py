from django.urls import path  # noqa: F401

from .views import method

app_name = "sites"
# The pool of candidate sites, their scoring, the selection of 50, the labelling with Banque des Territoires, and the
# public map of labelled sites. Mounted at /sites/ (config/urls.py). Each engineer's entries between section markers.
urlpatterns: list = [
    # --- sscore ---
    path("methode/", method.method, name="method"),
    path("methode/nouvelle-version/", method.method_edit, name="method_edit"),
    path("<str:identifier>/score/", method.site_score, name="site_score"),
    # --- end sscore ---
]
