from django.urls import path

from .views import labelling, proposal

app_name = "sites"
# The pool of candidate sites, their scoring, the selection of 50, the labelling with Banque des Territoires, and the
# public map of labelled sites. Mounted at /sites/ (config/urls.py). Each engineer's entries between section markers.
urlpatterns: list = [
    # --- slabel ---
    path("proposer/", proposal.propose_site, name="propose"),
    path("labellisation/", labelling.label_dashboard, name="label_dashboard"),
    path("labellisation/avis/<int:pk>/", labelling.label_opinion, name="label_opinion"),
    path("labellisation/<str:identifier>/", labelling.label_site, name="label_site"),
    path("labellisation/<str:identifier>/etapes/<slug:kind>/", labelling.label_milestone, name="label_milestone"),
    path("labellisation/<str:identifier>/<slug:name>/", labelling.label_step, name="label_step"),
    # --- end slabel ---
]
