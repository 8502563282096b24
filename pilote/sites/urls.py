from django.urls import path, re_path

from .views import labelling, method, proposal, public, selection

app_name = "sites"
# The pool of candidate sites, their scoring, the selection of 50, the labelling with Banque des Territoires, and the
# public map of labelled sites. Mounted at /sites/ (config/urls.py). Each engineer's entries between section markers.
urlpatterns: list = [
    # --- spublic: public pages (views/public.py) ---
    path("", public.pool, name="pool"),
    path("site/<str:identifier>/", public.site_page, name="site"),
    path("labellises/", public.labelled, name="labelled"),
    path("labellises.geojson", public.labelled_geojson, name="labelled_geojson"),
    re_path(r"^labellises\.(?P<fmt>csv|xlsx)$", public.labelled_export, name="labelled_export"),
    # --- end of spublic ---
    # --- sglue: the labelled sites in the CNIG SITE-ECO / TERRAIN-ECO format (views/public.py) ---
    re_path(r"^labellises-(?P<table>site-eco|terrain-eco)\.csv$", public.labelled_site_eco, name="labelled_site_eco"),
    # --- end sglue ---
    # --- sselect ---
    path("selections/", selection.selections, name="selections"),
    path("selections/nouvelle/", selection.selection_new, name="selection_new"),
    path("selections/comparer/", selection.selection_compare, name="selection_compare"),
    path("selections/<int:pk>/", selection.selection, name="selection"),
    path("selections/<int:pk>/adopter/", selection.selection_adopt, name="selection_adopt"),
    path("selections/<int:pk>/preselectionner/", selection.selection_shortlist, name="selection_shortlist"),
    # --- end sselect ---
    # --- slabel ---
    path("proposer/", proposal.propose_site, name="propose"),
    path("proposer/commune.json", proposal.commune_bounds, name="propose_commune"),
    path("labellisation/", labelling.label_dashboard, name="label_dashboard"),
    path("labellisation/a-traiter/", labelling.label_todo, name="todo"),  # sglue: before <identifier>
    path("labellisation/avis/<int:pk>/", labelling.label_opinion, name="label_opinion"),
    path("labellisation/<str:identifier>/", labelling.label_site, name="label_site"),
    path("labellisation/<str:identifier>/etapes/<slug:kind>/", labelling.label_milestone, name="label_milestone"),
    path("labellisation/<str:identifier>/<slug:name>/", labelling.label_step, name="label_step"),
    # --- end slabel ---
    # --- sscore ---
    path("methode/", method.method, name="method"),
    path("methode/nouvelle-version/", method.method_edit, name="method_edit"),
    path("site/<str:identifier>/score/", method.site_score, name="site_score"),
    # --- end sscore ---
]
