"""Permission-matrix entries of the budget's scenarios pages (merged into tests/permissions.py EXPECTATIONS).

Scenarios are drafts of ANCT: every page is ANCT's (and the superuser's), 403 for every other signed-in person, the
login page for visitors. An empty POST is refused as invalid (400) for ANCT, nothing written.
"""

from tests.permissions import BUILT, LOGIN, NATIONAL, only


def scenario():
    if "scenario" not in BUILT:
        from tests.budget.test_scenarios import four_lines, make_scenario

        BUILT["scenario"] = make_scenario(name="Scénario de la matrice", lines=four_lines())
    return BUILT["scenario"]


def other_scenario():
    if "other_scenario" not in BUILT:
        from tests.budget.test_scenarios import four_lines, make_scenario

        BUILT["other_scenario"] = make_scenario(name="Autre scénario", lines=four_lines(reserve=10))
    return BUILT["other_scenario"]


def _scenario_kwargs(territory) -> dict:
    return {"pk": scenario().pk}


def _empty_post(role: str, code) -> object:
    if role == "anonymous":
        return LOGIN
    return 400 if role in NATIONAL else 403


def _compare() -> None:
    scenario(), other_scenario()


EXPECTATIONS: dict = {
    "budget:scenarios": only(NATIONAL, setup=scenario, contains="Scénario de la matrice"),
    "budget:scenario_create": only(NATIONAL, post=_empty_post),
    "budget:scenario": only(NATIONAL, _scenario_kwargs, contains="Scénario de la matrice"),
    "budget:scenario_edit": only(NATIONAL, _scenario_kwargs, post=_empty_post),
    "budget:scenario_apply": only(NATIONAL, _scenario_kwargs, post=_empty_post, contains="Appliquer le scénario"),
    # Without a choice: the page asks which scenarios to compare (the URL with ?s= is in test_scenario_pages.py).
    "budget:scenario_compare": only(NATIONAL, setup=_compare, contains="Choisir les scénarios"),
}
