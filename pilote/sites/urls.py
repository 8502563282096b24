from django.urls import path  # noqa: F401

app_name = "sites"
# The pool of candidate sites, their scoring, the selection of 50, the labelling with Banque des Territoires, and the
# public map of labelled sites. Mounted at /sites/ (config/urls.py). Each engineer's entries between section markers.
urlpatterns: list = []
