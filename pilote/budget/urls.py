"""Pages of the budget, under /espace/budget/. One section per part of the app (views in `views/<part>.py`)."""

from django.urls import path  # noqa: F401 — used by every section below

from .views import commitments, dashboards, designations, envelopes, parameters, scenarios  # noqa: F401

app_name = "budget"
urlpatterns = [
    # --- envelopes (views/envelopes.py) ---
    path("enveloppes/", envelopes.years, name="years"),
    path("enveloppes/ouvrir/", envelopes.year_open, name="year_open"),
    path("enveloppes/<int:year>/", envelopes.year, name="year"),
    path("enveloppes/e/<int:pk>/", envelopes.envelope, name="envelope"),
    path("enveloppes/e/<int:pk>/deleguer/", envelopes.envelope_delegate, name="envelope_delegate"),
    path("enveloppes/e/<int:pk>/modifier/", envelopes.envelope_edit, name="envelope_edit"),
    # --- end of envelopes ---
    # --- commitments and payments (views/commitments.py) ---
    path("enveloppes/e/<int:pk>/engager/", commitments.commitment_create, name="commitment_create"),
    path("engagements/", commitments.commitments, name="commitments"),
    path("engagements/<int:pk>/", commitments.commitment, name="commitment"),
    path("engagements/<int:pk>/modifier/", commitments.commitment_edit, name="commitment_edit"),
    path("engagements/<int:pk>/engager/", commitments.commitment_commit, name="commitment_commit"),
    path("engagements/<int:pk>/annuler/", commitments.commitment_cancel, name="commitment_cancel"),
    path("engagements/<int:pk>/paiement/", commitments.payment_create, name="payment_create"),
    # --- end of commitments ---
    # --- rules' parameters (views/parameters.py) ---
    path("parametres/", parameters.parameters, name="parameters"),
    # --- end of parameters ---
    # --- Rebond industriel designations (views/designations.py) ---
    path("rebond/", designations.shocks, name="shocks"),
    path("rebond/<int:pk>/fin/", designations.shock_end, name="shock_end"),
    path("rebond/depuis-alerte/<int:pk>/", designations.designation_from_alert, name="designation_from_alert"),
    path("rebond/depuis-evenements/", designations.designation_from_events, name="designation_from_events"),
    # --- end of designations ---
    # --- scenarios (views/scenarios.py) ---
    path("scenarios/", scenarios.scenario_list, name="scenarios"),
    path("scenarios/nouveau/", scenarios.scenario_create, name="scenario_create"),
    path("scenarios/comparer/", scenarios.scenario_compare, name="scenario_compare"),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/modifier/", scenarios.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/appliquer/", scenarios.scenario_application, name="scenario_apply"),
    # --- end of scenarios ---
    # --- dashboards and exports (views/dashboards.py) ---
    path("", dashboards.budget_dashboard, name="dashboard"),
    path("export.csv", dashboards.export_csv, name="export_csv"),
    path("export.xlsx", dashboards.export_xlsx, name="export_xlsx"),
    # --- end of dashboards ---
]
