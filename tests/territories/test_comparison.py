from datetime import date

from pilote.territories.comparison import compare_phases
from pilote.territories.models import Phase


def _compare(**kwargs):
    return compare_phases(
        old=Phase.objects.get(slug="2018-2022"), new=Phase.objects.get(slug="2023-2027"), edition=2026, **kwargs
    )


def test_summary_counts_communes_and_population_that_stay_leave_and_enter(mini_world):
    # phase 1 on 2026: 01001, 01002 (Beta-Gamma, absorbed 01003), 39002; phase 2: 01001, 01002, 01004, 39001, 39002
    summary = _compare().summary

    assert (summary["communes_staying"], summary["communes_leaving"], summary["communes_entering"]) == (3, 0, 2)
    assert summary["population_staying"] == 110 + 520 + 610
    assert summary["population_entering"] == 420 + 510
    assert summary["population_leaving"] == 0
    assert summary["territories_new"] == 0


def test_each_new_territory_says_which_old_territories_it_overlaps(mini_world):
    comparison = _compare()

    ain = next(t for t in comparison.new_territories if t.code == "ti-8401")
    assert [(o.code, o.communes, o.population) for o in ain.overlaps] == [("ti-8401", 2, 630)]
    assert (ain.communes_outside, ain.population_outside) == (2, 930)


def test_each_old_territory_says_where_its_communes_went(mini_world):
    jura = next(t for t in _compare().old_territories if t.code == "ti-2701")

    assert [(o.code, o.name, o.communes) for o in jura.overlaps] == [("ti-2701", "Nouveau Jura", 1)]


def test_an_old_state_of_the_map_can_be_chosen(mini_world):
    before_the_programme = _compare(old_on=date(2019, 1, 1))

    assert before_the_programme.summary["territories_old"] == 0
    assert before_the_programme.summary["territories_new"] == 2


def test_the_cached_comparison_is_recomputed_when_a_perimeter_changes(mini_world, tmp_path):
    from pilote.territories.comparison import compare_phases_cached
    from pilote.territories.importers import import_perimeters, parse_phase2_liste_geo
    from pilote.territories.resolution import resolve_all

    from .. import world as w

    old, new = Phase.objects.get(slug="2018-2022"), Phase.objects.get(slug="2023-2027")
    assert compare_phases_cached(old=old, new=new, edition=2026).summary["communes_entering"] == 2
    smaller = [("ti-8401", "Ain industriel", [("CC Alpha", "200000001")]), w.PHASE2_TERRITORIES[1]]
    import_perimeters(parse_phase2_liste_geo(w.write_phase2_geojson(tmp_path / "p2b.geojson", smaller)))
    resolve_all(edition=2026)

    assert compare_phases_cached(old=old, new=new, edition=2026).summary["communes_entering"] == 0
