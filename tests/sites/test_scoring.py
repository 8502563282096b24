"""The qualification method: points per criterion, unknown ≠ no, reliability, published versions never change, a new
version never rewrites the scores of the previous one, and the comparison of two versions."""

import pytest

from pilote.core.models import AuditEvent
from pilote.sites import scoring
from pilote.sites.models import ImmutableMethod, QualificationMethod, Site, SiteScore

TWO_CRITERIA = [
    {
        "key": "zoning",
        "label": "Zonage",
        "weight": 2,
        "values": [
            {"prefix": "U", "points": 1, "label": "U"},
            {"prefix": "AU", "points": 0.5, "label": "AU"},
            {"prefix": "A", "points": -1, "label": "A"},
        ],
    },
    {
        "key": "networks",
        "label": "Réseaux",
        "weight": 1,
        "values": [
            {"match": True, "points": 1, "label": "oui"},
            {"match": False, "points": -0.5, "label": "non"},
        ],
    },
]


def fact(value, source="Cartofriches (Cerema)", date="2024-03-10"):
    return {"value": value, "source": source, "date": date}


def make_site(identifier, *, kind="zone_plot", area_m2=None, territories=None, **facts):
    return Site.objects.create(
        identifier=identifier,
        name=f"Site {identifier}",
        kind=kind,
        origin="cartofriches",
        latitude=46.2,
        longitude=5.2,
        area_m2=area_m2,
        territories=territories or {},
        facts={key: fact(value) for key, value in facts.items()},
    )


def test_score_and_reliability_by_hand():
    # zoning U: 2 × 1 = 2; networks unknown: 0 → 50 × (1 + 2 / 3) = 83.33; reliability 2 / 3.
    score, reliability, points = scoring.score_of(TWO_CRITERIA, {"zoning": fact("UX"), "networks": fact(None)})
    assert (score, reliability) == (83.33, 0.6667)
    assert points["zoning"]["points"] == 2 and points["zoning"]["source"] == "Cartofriches (Cerema)"
    assert points["networks"] == {**points["networks"], "points": 0.0, "known": False, "label": "inconnu"}


def test_unknown_is_not_no():
    unknown = scoring.score_of(TWO_CRITERIA, {"networks": fact(None)})
    no = scoring.score_of(TWO_CRITERIA, {"networks": fact(False)})
    assert unknown[0] == 50.0 and unknown[1] == 0
    assert no[0] == pytest.approx(50 * (1 - 0.5 / 3), abs=0.01) and no[1] == pytest.approx(1 / 3, abs=1e-4)


def test_values_are_tried_in_order_and_a_zone_au_is_not_agricultural():
    assert scoring.score_of(TWO_CRITERIA, {"zoning": fact("AUc")})[2]["zoning"]["points"] == 1.0  # 2 × 0.5
    assert scoring.score_of(TWO_CRITERIA, {"zoning": fact("Ah")})[2]["zoning"]["points"] == -2.0
    # a boolean never falls in a numeric range, a number never matches True
    assert scoring.criterion_points(scoring.DEFAULT_CRITERIA[0], fact(True))["known"] is False
    assert scoring.score_of(TWO_CRITERIA, {"networks": fact(1)})[2]["networks"]["known"] is False


def test_score_pool_reads_the_site_and_people_facts_over_imported_ones(mini_world):
    method = scoring.ensure_default_method()
    site = make_site("a", kind="brownfield", area_m2=120_000, territories={"2023-2027": "ti-8401"}, pollution="proven")
    site.added_facts = {"pollution": fact("treated", source="Préfecture de l'Ain", date="2026-11-02")}
    site.save()
    greenfield = make_site("b", area_m2=3_000, territories={"2018-2022": "ti-0101"})
    assert scoring.score_pool(method) == 2
    rows = {row.site_id: row for row in SiteScore.objects.filter(method=method)}
    # a: area 3 × 1, pollution treated 2 × 1, brownfield 2 × 1, programme territory 1 × 1 = 8 over Σw 20.5
    assert rows[site.pk].score == round(50 * (1 + 8 / 20.5), 2)
    assert scoring.explain(method.criteria, rows[site.pk].points)["pollution"]["source"] == "Préfecture de l'Ain"
    assert rows[site.pk].reliability == round((3 + 2 + 2 + 1) / 20.5, 4)
    # b: area 3 × -1, not a brownfield 2 × -0.5, not in a territory of the current phase 0 = -4
    assert rows[greenfield.pk].score == round(50 * (1 - 4 / 20.5), 2)
    assert scoring.explain(method.criteria, rows[greenfield.pk].points)["programme_territory"]["value"] is False


def test_scoring_the_pool_again_replaces_the_scores_of_that_method(mini_world):
    method = scoring.ensure_default_method()
    site = make_site("a", area_m2=120_000)
    scoring.score_pool(method)
    first = SiteScore.objects.get(method=method, site=site)
    site.added_facts = {"pollution": fact("proven")}
    site.save()
    assert scoring.score_pool(method, Site.objects.filter(pk=site.pk)) == 1
    again = SiteScore.objects.get(method=method, site=site)  # one row per method and site, its points replaced
    assert again.score == first.score - round(50 * 2 / 20.5, 2)
    assert scoring.explain(method.criteria, again.points)["pollution"]["label"] == "pollution avérée"
    assert again.computed_at >= first.computed_at


def test_a_published_method_never_changes(db):
    method = scoring.ensure_default_method()
    method.criteria = TWO_CRITERIA
    with pytest.raises(ImmutableMethod):
        method.save()
    assert QualificationMethod.objects.get(pk=method.pk).criteria == scoring.DEFAULT_CRITERIA
    assert scoring.ensure_default_method().pk == method.pk  # idempotent


def test_a_new_version_keeps_past_scores_and_compares_who_gains_and_loses(mini_world, people):
    v1 = scoring.ensure_default_method()
    make_site("f", kind="brownfield", area_m2=50_000)
    make_site("g", area_m2=50_000)
    scoring.score_pool(v1)
    before = dict(SiteScore.objects.filter(method=v1).values_list("site_id", "score"))
    criteria = [{**c, "weight": 6} if c["key"] == "brownfield" else c for c in v1.criteria]
    v2 = scoring.publish_new_version(criteria=criteria, notes="La sobriété foncière pèse plus.", actor=people["anct"])
    assert v2.number == 2 and v2.is_published
    assert dict(SiteScore.objects.filter(method=v1).values_list("site_id", "score")) == before
    assert SiteScore.objects.filter(method=v2).count() == 2
    moves = scoring.compare(v1, v2)
    assert [m["identifier"] for m in moves["gainers"]] == ["f"]
    assert [m["identifier"] for m in moves["losers"]] == ["g"]
    assert moves["compared"] == 2 and moves["unchanged"] == 0
    event = AuditEvent.objects.get(action="sites.method_publish")
    assert event.changes["weights"][1]["brownfield"] == 6 and event.actor == people["anct"]


def test_a_score_keeps_the_facts_it_was_computed_from_after_a_reimport(mini_world):
    method = scoring.ensure_default_method()
    site = make_site("a", area_m2=120_000, zoning="UX", pollution="proven")
    scoring.score_pool(method)
    stored = SiteScore.objects.get(method=method, site=site).points
    # compact: [weighted points, value, n] per criterion, each (source, date) once
    assert stored["lines"]["zoning"] == [2, "UX", stored["lines"]["pollution"][2]]
    assert sorted(map(tuple, stored["sources"])) == [("", ""), ("Cartofriches (Cerema)", "2024-03-10"),
                                                     (scoring.SOURCE_OF_SITE, "")]  # fmt: skip
    site.facts = {"zoning": fact("N", source="PLU 2026", date="2026-11-01")}  # a later import changes the facts
    site.save()
    lines = scoring.explain(method.criteria, SiteScore.objects.get(method=method, site=site).points)
    assert lines["zoning"] == {"points": 2, "weight": 2, "value": "UX", "known": True, "label": "zone urbaine (U)",
                               "source": "Cartofriches (Cerema)", "date": "2024-03-10"}  # fmt: skip
    assert lines["pollution"]["label"] == "pollution avérée" and lines["pollution"]["points"] == -2
    assert lines["networks"] == {"points": 0.0, "weight": 1, "value": None, "known": False, "label": "inconnu",
                                 "source": "", "date": ""}  # fmt: skip
    assert list(lines) == [criterion["key"] for criterion in method.criteria]
    # the pool scored in bulk says what one site scored alone says
    assert (
        SiteScore.objects.get(method=method, site=site).score
        == scoring.score_of(
            method.criteria,
            scoring.site_facts(
                kind=site.kind,
                area_m2=120_000,
                is_artificialised=None,
                territories={},
                facts={key: fact(v) for key, v in (("zoning", "UX"), ("pollution", "proven"))},
                added_facts={},
                current_phase="2023-2027",
            ),  # fmt: skip
        )[0]
    )


def test_a_score_stored_whole_before_the_compact_shape_still_reads(mini_world):
    method = scoring.ensure_default_method()
    whole = {"zoning": {"points": 2, "weight": 2, "value": "UX", "known": True, "label": "zone urbaine (U)",
                        "source": "Cartofriches (Cerema)", "date": "2024-03-10"}}  # fmt: skip
    lines = scoring.explain(method.criteria, whole)
    assert lines == {"zoning": whole["zoning"]}  # not « inconnu »: read line by line
