"""Pages of the budget, under /espace/budget/. One section per part of the app (views in `views/<part>.py`)."""

from django.urls import path  # noqa: F401 — used by every section below

from .views import dashboards, envelopes, scenarios  # noqa: F401

app_name = "budget"
urlpatterns = [
    # --- envelopes, commitments, payments, parameters, Rebond designations (views/envelopes.py) ---
    # --- end of envelopes ---
    # --- scenarios (views/scenarios.py) ---
    # --- end of scenarios ---
    # --- dashboards and exports (views/dashboards.py) ---
    # --- end of dashboards ---
]
