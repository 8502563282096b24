"""The selection's integer program on cases whose optimum is known by hand, infeasible cases with their French
explanation, forced sites, and the exact optimum never worse than the greedy heuristic (nor than brute force)."""

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilote.sites.selection import Candidate, Problem, solve


def site(identifier, score, *, region="84", naf=0.0, cost=None, reliability=1.0, area=10_000.0, in_phase=True):
    return Candidate(
        site_id=abs(hash(identifier)) % 10**9, identifier=identifier, name=identifier, score=score,
        reliability=reliability, region=region, area_m2=area, naf_m2=naf, cost=cost, in_phase=in_phase,
    )  # fmt: skip


def ids(candidates):
    return sorted(c.identifier for c in candidates)


def test_without_constraints_the_best_scores_are_chosen():
    pool = [site("a", 5), site("b", 9), site("c", 7), site("d", 1)]
    outcome = solve(pool, size=2, objective="score", constraints={})
    assert (outcome.status, ids(outcome.chosen), outcome.exact_value, outcome.gap) == ("optimal", ["b", "c"], 16, 0)


def test_a_region_cap_sends_the_second_choice_to_another_region():
    pool = [site("a", 10, region="84"), site("b", 9, region="84"), site("c", 5, region="11")]
    outcome = solve(pool, size=2, objective="score", constraints={"region_max": 1})
    assert ids(outcome.chosen) == ["a", "c"]
    assert outcome.reasons[pool[1].site_id]["why"] == ["sa région a déjà ses 1 site(s) au maximum"]


def test_a_region_minimum_brings_in_a_weaker_site_and_says_so():
    pool = [site("a", 10, region="84"), site("b", 9, region="84"), site("c", 1, region="11")]
    outcome = solve(pool, size=2, objective="score", constraints={"region_min": 1})
    assert ids(outcome.chosen) == ["a", "c"]
    assert outcome.reasons[pool[2].site_id]["why"] == ["complète le minimum de 1 site(s) de sa région"]


def test_strict_zan_keeps_greenfields_out_and_names_the_cap():
    pool = [site("green", 10, naf=50_000), site("brown1", 6), site("brown2", 5), site("brown3", 1)]
    outcome = solve(pool, size=2, objective="score", constraints={"naf_cap_m2": 0})
    assert ids(outcome.chosen) == ["brown1", "brown2"]
    assert outcome.reasons[pool[0].site_id]["why"] == ["consommerait 5,0 ha d'espaces NAF au-delà du plafond"]


def test_under_a_budget_the_exact_choice_beats_the_greedy_one_by_a_known_gap():
    # Greedy takes a (10, 6 €) and can then only add d (1, 4 €): 11. The optimum is b + c: 14.
    pool = [site("a", 10, cost=6), site("b", 7, cost=5), site("c", 7, cost=5), site("d", 1, cost=4)]
    outcome = solve(pool, size=2, objective="score", constraints={"budget": 10})
    assert (ids(outcome.chosen), outcome.exact_value) == (["b", "c"], 14)
    assert (ids(outcome.greedy), outcome.greedy_value) == (["a", "d"], 11)
    assert outcome.gap == pytest.approx(3 / 14)


def test_forced_sites_are_in_and_out_whatever_their_score():
    pool = [site("a", 10), site("b", 9), site("c", 1), site("d", 8)]
    outcome = solve(pool, size=2, objective="score", constraints={"forced_in": ["c"], "forced_out": ["a"]})
    assert ids(outcome.chosen) == ["b", "c"]
    assert outcome.reasons[pool[2].site_id]["why"] == ["site imposé"]
    assert outcome.reasons[pool[0].site_id] == {"kind": "excluded", "why": ["écarté d'office"]}


def test_eligibility_rules_say_which_one_kept_a_site_out():
    pool = [
        site("overseas", 10, region="04"), site("weak", 9, reliability=0.3), site("small", 8, area=100),
        site("elsewhere", 7, in_phase=False), site("ok", 1),
    ]  # fmt: skip
    constraints = {
        "include_overseas": False, "min_reliability": 0.5, "min_area_m2": 1000, "current_phase_only": True,
    }  # fmt: skip
    outcome = solve(pool, size=1, objective="score", constraints=constraints)
    assert ids(outcome.chosen) == ["ok"]
    assert [outcome.reasons[c.site_id]["why"][0] for c in pool[:4]] == [
        "région d'outre-mer exclue",
        "fiabilité 30% sous le minimum de 50%",
        "surface 0,0 ha sous le minimum de 0,1 ha",
        "hors des territoires de la phase en cours",
    ]


def test_the_reliability_weighted_objective_prefers_the_well_known_site():
    pool = [site("vague", 10, reliability=0.2), site("known", 6, reliability=0.9)]
    outcome = solve(pool, size=1, objective="score_reliable", constraints={})
    assert ids(outcome.chosen) == ["known"]


def test_a_constraint_that_cannot_hold_alone_is_named():
    pool = [site("a", 3, region="84"), site("b", 2, region="84"), site("c", 1, region="11")]
    outcome = solve(pool, size=3, objective="score", constraints={"region_max": 1})
    assert outcome.status == "infeasible" and outcome.chosen == [] and outcome.exact_value is None
    assert outcome.conflicts == ["Avec 3 sites, le maximum de sites par région ne peut être respecté(e) à lui seul."]


def test_two_constraints_that_conflict_together_are_named_as_a_pair():
    pool = [
        site("bf1", 5, region="84"), site("bf2", 4, region="84"), site("green", 3, region="11", naf=20_000),
        site("bf3", 2, region="93"),
    ]  # fmt: skip
    outcome = solve(pool, size=3, objective="score", constraints={"region_max": 1, "naf_cap_m2": 0})
    assert outcome.conflicts == [
        "Avec 3 sites, le maximum de sites par région et le plafond de consommation d'espaces NAF sont incompatibles."
    ]


def test_a_pool_smaller_than_the_selection_is_explained():
    outcome = solve([site("a", 1)], size=2, objective="score", constraints={})
    assert outcome.conflicts == ["Le vivier noté ne compte que 1 site(s) : impossible d'en retenir 2."]


def test_forced_in_site_over_the_naf_cap_conflicts_with_the_cap():
    pool = [site("green", 1, naf=10_000), site("bf", 5)]
    outcome = solve(pool, size=1, objective="score", constraints={"forced_in": ["green"], "naf_cap_m2": 0})
    assert outcome.conflicts == [
        "Avec 1 sites, les sites imposés et le plafond de consommation d'espaces NAF sont incompatibles."
    ]


instances = st.lists(
    st.tuples(
        st.integers(0, 20),
        st.sampled_from(["11", "84", "93"]),
        st.sampled_from([0.0, 0.0, 5.0, 20.0]),
        st.integers(0, 10),
    ),  # fmt: skip
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=instances,
    size=st.integers(1, 4),
    region_max=st.one_of(st.none(), st.integers(1, 3)),
    naf_cap=st.one_of(st.none(), st.sampled_from([0.0, 10.0, 25.0])),
    budget=st.one_of(st.none(), st.integers(5, 25)),
    region_min=st.one_of(st.none(), st.just(1)),
    forced=st.one_of(st.just([]), st.just(["s0"])),
)
def test_exact_equals_brute_force_and_is_never_worse_than_greedy(
    rows, size, region_max, naf_cap, budget, region_min, forced
):
    pool = [site(f"s{i}", s, region=r, naf=n, cost=c) for i, (s, r, n, c) in enumerate(rows)]
    constraints = {
        "region_max": region_max, "naf_cap_m2": naf_cap, "budget": budget, "region_min": region_min,
        "forced_in": forced,
    }  # fmt: skip
    outcome = solve(pool, size=size, objective="score", constraints=constraints)
    best = _brute_force(pool, size, constraints)
    assert outcome.exact_value == best
    if outcome.greedy_value is not None:
        assert outcome.exact_value >= outcome.greedy_value


def _brute_force(pool, size, c):
    problem = Problem(pool, size=size, objective="score", constraints=c)
    best = None
    for combo in combinations(pool, size):
        regions = [x.region for x in combo]
        if c["region_max"] is not None and max(regions.count(r) for r in regions) > c["region_max"]:
            continue
        if c["naf_cap_m2"] is not None and sum(x.naf_m2 for x in combo) > c["naf_cap_m2"]:
            continue
        if c["budget"] is not None and sum(x.cost for x in combo) > c["budget"]:
            continue
        if c["region_min"] and any(regions.count(x.region) < c["region_min"] for x in pool):
            continue
        if any(f not in {x.identifier for x in combo} for f in c["forced_in"]):
            continue
        value = sum(x.score for x in combo)
        best = value if best is None else max(best, value)
    assert problem.size == size
    return best


@pytest.mark.parametrize(
    "constraints",
    [
        {"region_max": 5, "naf_cap_m2": 500_000.0},
        {"region_max": 4, "region_min": 1, "naf_cap_m2": 200_000.0},
        {"naf_cap_m2": 100_000.0, "include_overseas": False},
    ],
)
def test_on_a_pool_of_real_size_the_exact_choice_is_never_worse_than_greedy(constraints):
    from pilote.sites.bench_selection import synthetic_pool

    outcome = solve(synthetic_pool(), size=50, objective="score", constraints=constraints)
    assert outcome.status == "optimal" and len(outcome.chosen) == 50
    assert outcome.exact_value >= outcome.greedy_value - 1e-9
    assert sum(c.naf_m2 for c in outcome.chosen) <= constraints["naf_cap_m2"]
