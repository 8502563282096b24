import numpy as np
import pytest

from pilote.targeting import catalogue as k
from pilote.targeting import compute as c
from pilote.targeting import index
from pilote.targeting.enums import Level, MethodStatus
from pilote.targeting.models import ImmutableMethod, MethodVersion, MethodWeight, Score, Scoring

from .conftest import make_computation, make_version


def scores_of(scoring):
    return {s.code: s for s in Score.objects.filter(scoring=scoring)}


def test_percentile_ranks_share_ties_and_keep_missing_values():
    ranks = index.percentile_ranks(np.array([1.0, 2.0, 2.0, 3.0, np.nan]))
    assert ranks[:4].tolist() == [0.0, 50.0, 50.0, 100.0]
    assert np.isnan(ranks[4])


def test_tied_scores_share_the_better_rank():
    assert index.competition_ranks(np.array([10.0, 20.0, 20.0, 5.0, np.nan])).tolist() == [3, 1, 1, 4, 0]


def test_score_ranks_and_contributions(data):
    computation = make_computation(
        {
            k.POVERTY: {"A": 10.0, "B": 20.0, "C": 30.0},
            k.POPULATION_CHANGE_5Y: {"A": 1.0, "B": -1.0, "C": 0.0},  # higher is better: B declines most
        },
        regions={"A": "84", "B": "27", "C": "84"},
    )
    k.ensure_catalogue()
    version = make_version({k.POVERTY: 3.0, k.POPULATION_CHANGE_5Y: 1.0})
    scores = scores_of(index.score(computation, version))
    # poverty ranks A 0, B 50, C 100; decline ranks A 0, B 100, C 50 → (3 × rank + 1 × rank) / 4
    assert scores["C"].score == pytest.approx(87.5)
    assert scores["B"].score == pytest.approx(62.5)
    assert scores["A"].score == 0.0
    assert [scores[k].rank_national for k in "CBA"] == [1, 2, 3]
    assert [scores[k].rank_regional for k in "CBA"] == [1, 1, 2]
    assert scores["B"].contributions == {k.POVERTY: 37.5, k.POPULATION_CHANGE_5Y: 25.0}
    assert sum(scores["C"].contributions.values()) == pytest.approx(scores["C"].score)


def test_units_with_equal_scores_share_their_rank(data):
    computation = make_computation({k.POVERTY: {"A": 10.0, "B": 20.0, "C": 20.0, "D": 5.0}})
    scores = scores_of(index.score(computation, make_version({k.POVERTY: 1.0})))
    assert [scores[k].rank_national for k in "BCAD"] == [1, 1, 3, 4]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("renormalise", 100.0), ("median", 75.0), ("exclude", None)],
)
def test_missing_values_follow_the_method(data, rule, expected):
    k.ensure_catalogue()
    computation = make_computation(
        {
            k.POVERTY: {"A": 10.0, "B": 20.0, "C": 30.0},
            k.UNEMPLOYMENT_MEAN: {"A": 5.0, "B": 6.0, "C": None},
        }
    )
    version = make_version({k.POVERTY: 1.0, k.UNEMPLOYMENT_MEAN: 1.0}, missing=rule)
    scores = scores_of(index.score(computation, version))
    assert scores["C"].score == expected
    assert (scores["C"].rank_national is None) == (expected is None)


def test_an_indicator_nobody_has_is_left_out(data):
    k.ensure_catalogue()
    computation = make_computation({k.POVERTY: {"A": 10.0, "B": 20.0}})
    version = make_version({k.POVERTY: 1.0, k.INDUSTRIAL_JOBS_CHANGE: 1.0})
    scores = scores_of(index.score(computation, version))
    assert scores["B"].score == 100.0
    assert scores["B"].contributions == {k.POVERTY: 100.0}


def test_zscores_are_clipped_and_centred(data):
    computation = make_computation({k.POVERTY: {"A": 10.0, "B": 20.0, "C": 30.0}})
    scores = scores_of(index.score(computation, make_version({k.POVERTY: 1.0}, transformation="zscore")))
    assert scores["B"].score == 0.0
    assert scores["C"].score == pytest.approx(1.2247, abs=1e-3)


def test_rank_stability_is_deterministic_and_brackets_the_rank(data):
    k.ensure_catalogue()
    rng = np.random.default_rng(1)
    units = [f"U{i:03d}" for i in range(60)]
    computation = make_computation(
        {
            k.POVERTY: dict(zip(units, rng.normal(15, 5, 60), strict=True)),
            k.UNEMPLOYMENT_MEAN: dict(zip(units, rng.normal(8, 2, 60), strict=True)),
            k.POPULATION_CHANGE_5Y: dict(zip(units, rng.normal(0, 3, 60), strict=True)),
        }
    )
    version = make_version({k.POVERTY: 0.5, k.UNEMPLOYMENT_MEAN: 0.3, k.POPULATION_CHANGE_5Y: 0.2})
    first = index.calculate(computation, version, draws=500, seed=7)
    again = index.calculate(computation, version, draws=500, seed=7)
    assert [(s.rank_low, s.rank_high) for s in first] == [(s.rank_low, s.rank_high) for s in again]
    assert all(s.rank_low <= s.rank_high for s in first)
    assert any(s.rank_low < s.rank_high for s in first)  # the weights move some ranks
    top = min(first, key=lambda s: s.rank_national)
    assert top.rank_low <= 3


def test_a_published_version_never_changes(data):
    version = make_version({k.POVERTY: 1.0})
    version.transformation = "zscore"
    with pytest.raises(ImmutableMethod):
        version.save()
    weight = MethodWeight.objects.get(version=version)
    weight.weight = 2.0
    with pytest.raises(ImmutableMethod):
        weight.save()
    with pytest.raises(ImmutableMethod):
        weight.delete()
    assert MethodVersion.objects.get(pk=version.pk).transformation == "rank"


def test_a_draft_version_can_still_change(data):
    version = make_version({k.POVERTY: 1.0}, publish=False)
    version.transformation = "zscore"
    version.save()
    assert MethodVersion.objects.get(pk=version.pk).transformation == "zscore"


def test_the_default_method_is_created_once_and_published(data):
    first = index.ensure_default_method()
    again = index.ensure_default_method()
    assert first == again
    assert first.status == MethodStatus.PUBLISHED and first.method.slug == "indice-fragilite"
    weights = dict(first.weights.values_list("indicator__code", "weight"))
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights[k.UNEMPLOYMENT_MEAN] == 0.25


def test_scoring_twice_returns_the_same_rows(data):
    computation = make_computation({k.POVERTY: {"A": 10.0, "B": 20.0}})
    version = make_version({k.POVERTY: 1.0})
    assert index.score(computation, version) == index.score(computation, version)


def test_compare_two_versions(data):
    k.ensure_catalogue()
    computation = make_computation(
        {
            k.POVERTY: {"A": 10.0, "B": 20.0, "C": 30.0},
            k.POPULATION_CHANGE_5Y: {"A": -5.0, "B": 0.0, "C": 5.0},
        }
    )
    a = index.score(computation, make_version({k.POVERTY: 1.0}, number=2))
    b = index.score(computation, make_version({k.POPULATION_CHANGE_5Y: 1.0}, number=3))
    moves = {m.code: m for m in index.compare(a, b)}
    assert (moves["A"].rank_a, moves["A"].rank_b, moves["A"].delta) == (3, 1, 2)
    assert moves["B"].delta == 0
    assert moves["C"].delta == -2


def test_series_reads_a_unit_oldest_first(data):
    data.zones()
    data.unemployment({"0001": [5.0, 6.0, 7.0], "0002": [1.0, 1.0, 1.0], "0003": [2.0, 2.0, 2.0]})
    c.compute()
    assert index.series(Level.ZONE_EMPLOI, "0001", k.UNEMPLOYMENT) == [
        ("2023-T1", 5.0),
        ("2023-T2", 6.0),
        ("2023-T3", 7.0),
    ]
    context = index.series_with_context(Level.EPCI, "200000003", k.UNEMPLOYMENT, region_code="27")
    assert context["unit"][-1] == ("2023-T3", 2.0)
    assert context["region"][-1][1] == pytest.approx((510 * 1 + 610 * 2) / 1120)
    assert len(context["france"]) == 3


def test_candidates_are_epci_outside_the_phase_with_their_nearest_territory(data):
    computation = make_computation(
        {k.POVERTY: {"200000001": 10.0, "200000002": 30.0, "200000003": 20.0}}, regions={"200000002": "84"}
    )
    version = make_version({k.POVERTY: 1.0}, thresholds={"candidate_top_share": 1.0})
    found = index.candidates(index.score(computation, version), phase_slug="2018-2022")
    # phase 1 holds CC Alpha (ti-8401) and CC Gamma (ti-2701): CA Beta (squares x = 3 and 4) is outside,
    # nearest to ti-2701 (square x = 5)
    assert [(f.siren, f.rank, f.nearest_code) for f in found] == [("200000002", 1, "ti-2701")]
    assert found[0].distance_km == pytest.approx(1.5 * np.cos(np.radians(45.5)) * 111.2, rel=0.02)
    assert index.candidates(index.score(computation, version)) == []  # phase 2 holds every EPCI


def test_the_latest_scoring_of_several_versions_at_once_follows_the_rule_for_one(data, django_assert_num_queries):
    computation = make_computation({k.POVERTY: {"A": 10.0, "B": 20.0}})
    first, second = make_version({k.POVERTY: 1.0}, number=2), make_version({k.POVERTY: 1.0}, number=3)
    older = index.score(computation, first)
    newer = Scoring.objects.create(method_version=first, computation=computation, computed_at=older.computed_at)
    only = index.score(computation, second)
    with django_assert_num_queries(1):
        latest = index.latest_scorings({first.pk, second.pk})
    assert latest == {first.pk: newer.pk, second.pk: only.pk}  # same time: the later one is the newest
    assert latest[first.pk] == index.latest_scoring(first).pk
