from django.urls import path

from .views import selection

app_name = "sites"
# The pool of candidate sites, their scoring, the selection of 50, the labelling with Banque des Territoires, and the
# public map of labelled sites. Mounted at /sites/ (config/urls.py). Each engineer's entries between section markers.
urlpatterns: list = [
    # --- sselect ---
    path("selections/", selection.selections, name="selections"),
    path("selections/nouvelle/", selection.selection_new, name="selection_new"),
    path("selections/comparer/", selection.selection_compare, name="selection_compare"),
    path("selections/<int:pk>/", selection.selection, name="selection"),
    path("selections/<int:pk>/adopter/", selection.selection_adopt, name="selection_adopt"),
    # --- end sselect ---
]
