from datetime import date

import pytest
import shapely

from pilote.territories.importers import (
    PerimeterFileError,
    import_perimeters,
    parse_phase1_communes,
    parse_phase1_polygons,
    parse_phase2_liste_geo,
)
from pilote.territories.models import PerimeterMember, PerimeterVersion, Phase, Territory

from .. import world as w


def _phase2(tmp_path, territories):
    return parse_phase2_liste_geo(w.write_phase2_geojson(tmp_path / "p2.geojson", territories))


def test_liste_geo_becomes_epci_members_pinned_to_cog_2023(geography, tmp_path):
    import_perimeters(_phase2(tmp_path, w.PHASE2_TERRITORIES))

    version = PerimeterVersion.objects.get(territory__code="ti-8401", territory__phase__slug="2023-2027")
    assert version.edition_id == 2023
    assert sorted(version.members.values_list("kind", "code", "label")) == [
        ("epci", "200000001", "CC Alpha"),
        ("epci", "200000002", "CA Beta"),
    ]
    assert Territory.objects.get(phase__slug="2023-2027", code="ti-2701").region_code == "27"


def test_an_isolated_commune_listed_by_its_siren_becomes_a_commune_member(geography, tmp_path):
    siren_of_zeta = "213900200"  # tests/world.py derives commune SIRENs from their code
    import_perimeters(_phase2(tmp_path, [("ti-2701", "Zeta seule", [("Zeta", siren_of_zeta)])]))

    assert list(PerimeterMember.objects.values_list("kind", "code")) == [("commune", "39002")]


def test_an_unknown_siren_refuses_the_whole_file_with_the_list(geography, tmp_path):
    territories = [*w.PHASE2_TERRITORIES, ("ti-8402", "Fantôme", [("CC Inconnue", "999999999")])]

    with pytest.raises(PerimeterFileError) as error:
        import_perimeters(_phase2(tmp_path, territories))

    assert "SIREN 999999999 (CC Inconnue) inconnu du COG 2023" in str(error.value)
    assert not Territory.objects.exists()


def test_a_commune_in_two_territories_of_a_phase_is_refused_with_the_list(geography, tmp_path):
    territories = [("ti-8401", "A", [("CC Alpha", "200000001")]), ("ti-8402", "B", [("CC Alpha", "200000001")])]

    with pytest.raises(PerimeterFileError) as error:
        import_perimeters(_phase2(tmp_path, territories))

    assert "commune 01001 dans plusieurs territoires : ti-8401, ti-8402" in error.value.problems
    assert not PerimeterVersion.objects.exists()


def test_unknown_commune_codes_are_refused_with_the_list(geography, tmp_path):
    rows = [*w.PHASE1_ROWS, ("75056", "8401", "Alpha-Beta")]

    with pytest.raises(PerimeterFileError, match="commune 75056 absente du COG 2020"):
        import_perimeters(parse_phase1_communes(w.write_phase1_csv(tmp_path / "p1.csv", rows)))


def test_a_bad_territory_code_is_reported_with_its_line(geography, tmp_path):
    rows = [*w.PHASE1_ROWS, ("01004", "84X1", "Mauvais")]

    with pytest.raises(PerimeterFileError, match="ligne 6 : code de territoire invalide"):
        parse_phase1_communes(w.write_phase1_csv(tmp_path / "p1.csv", rows))


def test_importing_the_same_file_twice_creates_no_version(mini_world, tmp_path):
    report = import_perimeters(_phase2(tmp_path, w.PHASE2_TERRITORIES))

    assert report.new_versions == []
    assert sorted(report.unchanged) == ["ti-2701", "ti-8401"]
    assert PerimeterVersion.objects.filter(territory__phase__slug="2023-2027").count() == 2


def test_a_changed_perimeter_becomes_version_two(mini_world, tmp_path):
    territories = [("ti-8401", "Ain industriel", [("CC Alpha", "200000001")]), w.PHASE2_TERRITORIES[1]]

    report = import_perimeters(_phase2(tmp_path, territories))

    assert report.new_versions == ["ti-8401"]
    numbers = PerimeterVersion.objects.filter(territory__code="ti-8401", territory__phase__slug="2023-2027")
    assert sorted(numbers.values_list("number", flat=True)) == [1, 2]
    change = report.changes["ti-8401"]
    assert (change.previous_number, change.added, change.removed) == (1, [], ["01004", "39001"])
    assert "−2 commune(s) (01004, 39001)" in numbers.get(number=2).notes


def test_dry_run_writes_nothing(geography, tmp_path):
    report = import_perimeters(_phase2(tmp_path, w.PHASE2_TERRITORIES), dry_run=True)

    assert sorted(report.created_territories) == ["ti-2701", "ti-8401"]
    assert not Territory.objects.exists()
    assert not Phase.objects.exists()


def test_polygons_give_communes_by_interior_point_and_points_give_their_commune(mini_world, tmp_path):
    path = w.write_polygons_geojson(
        tmp_path / "p.geojson",
        [
            ("ti-8401", "Alpha-Beta fin 2022", shapely.box(-0.1, 44.9, 2.2, 46.1)),  # Alpha and Beta-Gamma squares
            ("ti-8403", "Delta par point", shapely.MultiPoint([(3.5, 45.5)])),  # a point inside Delta's square
        ],
    )

    perimeters = parse_phase1_polygons(path)

    assert set(perimeters.territories["ti-8401"].members) == {("commune", "01001"), ("commune", "01002")}
    assert set(perimeters.territories["ti-8403"].members) == {("commune", "01004")}


def test_territories_absent_from_the_end_2022_file_are_withdrawn_and_kept(mini_world, tmp_path):
    path = w.write_polygons_geojson(tmp_path / "p.geojson", [("ti-8401", "Alpha-Beta", shapely.box(0, 45, 2, 46))])

    report = import_perimeters(parse_phase1_polygons(path), withdraw_absent=True)

    assert report.withdrawn == ["ti-2701"]
    # phase 1 in 2020 (COG 2020): 01001, 01002, 01003; projected on 2026 that is 01001 and Beta-Gamma 01002
    assert report.changes["ti-8401"].added == [] and report.changes["ti-8401"].removed == []
    phase1 = Phase.objects.get(slug="2018-2022")
    assert [v.territory.code for v in PerimeterVersion.objects.state_of(phase1)] == ["ti-8401"]
    in_2020 = PerimeterVersion.objects.state_of(phase1, date(2020, 12, 31))
    assert sorted((v.territory.code, v.number) for v in in_2020) == [("ti-2701", 1), ("ti-8401", 1)]
