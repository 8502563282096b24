"""Permission-matrix entries of the budget's follow pages (merged into tests/permissions.py EXPECTATIONS).

The dashboard and its exports are for ANCT, operators and reviewers (each sees their scope: a région's reviewer
neither sees nor exports the other région's commitments), 403 for territory teams, the login page for visitors. The
budget API is public: committed commitments only.
"""

from tests.permissions import BUILT, NAMES, NATIONAL, TERRITORY, only, public

VIEWERS = NATIONAL | {"operator", "region_84", "region_27", "departement_01"}
# Who sees the commitments of each territory on the dashboard: the région's reviewers see the commitments drawn on
# their région's envelopes (ti-8401's on région 84's, ti-2701's on région 27's); the départemental reviewer of the
# Ain has no envelope of its own in this world.
SEES_MONEY = {"ti-8401": NATIONAL | {"operator", "region_84"}, "ti-2701": NATIONAL | {"operator", "region_27"}}


def spending():
    if "spending" not in BUILT:
        from tests.budget.test_dashboard import spend

        BUILT["spending"] = spend()
    return BUILT["spending"]


def _shown(role: str, code) -> list[str]:
    return [f"{NAMES[c]} ({c})" for c, roles in SEES_MONEY.items() if role in roles]


def _hidden(role: str, code) -> list[str]:
    return [f"{NAMES[c]} ({c})" for c, roles in SEES_MONEY.items() if role not in roles]


def _codes_shown(role: str, code) -> list[str]:
    return [f";{c};" for c, roles in SEES_MONEY.items() if role in roles]


def _codes_hidden(role: str, code) -> list[str]:
    return [f";{c};" for c, roles in SEES_MONEY.items() if role not in roles]


EXPECTATIONS: dict = {
    "budget:dashboard": only(VIEWERS, setup=spending, contains=_shown, excludes=_hidden),
    "budget:export_csv": only(VIEWERS, setup=spending, contains=_codes_shown, excludes=_codes_hidden),
    "budget:export_xlsx": only(VIEWERS, setup=spending),
    "api-1:budget_envelopes": public(setup=spending, contains='"level": "programme"'),
    "api-1:budget_commitments": public(setup=spending, contains='"territory": "ti-8401"'),
    "api-1:budget_beneficiary": public({"siren": "123456789"}, setup=spending, contains="Entreprise"),
    "api-1:territory_budget": public(TERRITORY, setup=spending, contains='"committed"'),
}
