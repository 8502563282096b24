"""Permission-matrix entries of the selections of sites (merged into tests/permissions.py EXPECTATIONS).

ANCT builds selections; ANCT and Banque des Territoires (not a role of the matrix: an operator organisation, tested in
tests/sites/test_selection_pages.py) read, compare and adopt them; every other role gets 403."""

from tests.permissions import BUILT, LOGIN, NATIONAL, Rule, only, post_only


def _signed(role):
    return LOGIN if role == "anonymous" else None


def selection():
    if "selection" not in BUILT:
        from pilote.core.models import User
        from pilote.sites import selection as solver
        from pilote.sites.models import Selection
        from tests.sites.selection_world import scored_pool

        BUILT["selection"] = built = Selection.objects.create(
            name="Sélection de la matrice", method=scored_pool(), size=2,
            created_by=User.objects.get(username="national"),
        )  # fmt: skip
        solver.run(built)
    return BUILT["selection"]


EXPECTATIONS = {
    "sites:selections": only(NATIONAL, setup=selection, contains="Sélection de la matrice"),
    "sites:selection_new": only(NATIONAL, contains="Nouvelle sélection de sites"),
    "sites:selection": only(NATIONAL, lambda t: {"pk": selection().pk}, contains="Sites retenus et pourquoi"),
    "sites:selection_adopt": post_only(),
    # The matrix's selection is not adopted: ANCT is sent back to it with the reason (nothing shortlisted).
    "sites:selection_shortlist": Rule(
        lambda role, code: _signed(role) or 405,
        lambda t: {"pk": selection().pk},
        post=lambda role, code: _signed(role) or (302 if role in NATIONAL else 403),
    ),
    # Without two selections to compare: 404 for who may compare.
    "sites:selection_compare": Rule(
        lambda role, code: LOGIN if role == "anonymous" else 404 if role in NATIONAL else 403
    ),
}
