"""Implausible communes (far from the rest of their territory, outside its départements, often homonyms): flagged in
the import report, kept out of derived compositions with a note, shown on the territory page."""

import shapely
from django.urls import reverse

from pilote.geography.projection import CommuneFacts, EditionIndex
from pilote.territories.importers import import_perimeters, parse_phase1_communes, parse_phase1_polygons
from pilote.territories.models import PerimeterVersion
from pilote.territories.plausibility import outliers

from .. import world as w


def _index(communes: dict[str, tuple[str, str]], epcis: dict[str, set[str]]) -> EditionIndex:
    index = EditionIndex(year=2026)
    index.communes = {code: CommuneFacts(name, 100, dep, "11") for code, (name, dep) in communes.items()}
    index.epci_members = epcis
    for siren, members in epcis.items():
        for code in members:
            index.epcis_of[code].add(siren)
    return index


def _box(x: float, y: float = 48.7) -> shapely.Geometry:
    return shapely.box(x, y, x + 0.05, y + 0.05)


# Three neighbours near Paris (94), a Fresnes 150 km away (41), a whole far EPCI (21), a close commune of 91.
COMMUNES = {
    "94034": ("Fresnes", "94"),
    "94073": ("Thiais", "94"),
    "94054": ("Orly", "94"),
    "41094": ("Fresnes", "41"),
    "21231": ("Dijon", "21"),
    "21617": ("Talant", "21"),
    "91432": ("Morangis", "91"),
}
CONTOURS = {
    "94034": _box(2.30),
    "94073": _box(2.35),
    "94054": _box(2.40),
    "41094": _box(0.40, 47.4),
    "21231": _box(5.00, 47.3),
    "21617": _box(5.05, 47.3),
    "91432": _box(2.35, 48.6),  # 6 km south of Thiais: a gap, not a far commune
}
EPCIS = {"200058014": {"94034", "94073", "94054", "41094"}, "242100410": {"21231", "21617"}, "249100000": {"91432"}}


def test_a_far_homonym_outside_the_departements_is_flagged_with_its_namesake():
    found = outliers(set(COMMUNES), _index(COMMUNES, EPCIS), CONTOURS)

    assert [(o.code, o.homonym_of) for o in found] == [("41094", "94034")]
    assert 185 < found[0].distance_km < 205  # (0.45°E, 47.45°N) to (2.3°E, 48.7°N)
    assert found[0].describe().startswith("commune 41094 Fresnes (41) à ")
    assert found[0].describe().endswith("hors de ses départements : homonyme de la commune 94034")


def test_a_far_commune_of_a_departement_of_the_territory_is_not_flagged():
    communes = {**COMMUNES, "41094": ("Fresnes", "94")}

    assert outliers(set(communes), _index(communes, EPCIS), CONTOURS) == []


def test_a_compact_perimeter_has_no_outlier():
    codes = {"94034", "94073", "94054", "91432"}

    assert outliers(codes, _index(COMMUNES, EPCIS), CONTOURS) == []


def test_a_listed_far_commune_is_flagged_in_the_report_and_on_the_version(mini_world, tmp_path):
    # 39001 (Epsilon, Jura) alone, two squares east of Alpha-Beta (Ain), without the rest of its EPCI CA Beta
    rows = [*w.PHASE1_ROWS, ("39001", "8401", "Alpha-Beta")]
    report = import_perimeters(parse_phase1_communes(w.write_phase1_csv(tmp_path / "p1.csv", rows)))

    assert report.warnings["ti-8401"] == [
        "Commune à vérifier : commune 39001 Epsilon (39) à 156 km du reste du territoire, hors de ses départements"
    ]
    version = PerimeterVersion.objects.get(territory__code="ti-8401", territory__phase__slug="2018-2022", number=2)
    assert version.warnings == report.warnings["ti-8401"]
    assert ("commune", "39001") in version.members.values_list("kind", "code")  # listed by the source: kept


def test_a_derived_composition_leaves_the_far_commune_out_with_a_note(mini_world, tmp_path):
    polygons = shapely.MultiPolygon([shapely.box(-0.1, 44.9, 2.2, 46.1), shapely.box(4.1, 45.1, 4.9, 45.9)])
    path = w.write_polygons_geojson(tmp_path / "p.geojson", [("ti-8401", "Alpha-Beta", polygons)])

    report = import_perimeters(parse_phase1_polygons(path))

    version = PerimeterVersion.objects.get(territory__code="ti-8401", territory__phase__slug="2018-2022", number=2)
    assert sorted(version.members.values_list("code", flat=True)) == ["01001", "01002"]
    assert "Écartées par le contrôle de plausibilité : 39001" in version.notes
    assert version.warnings == report.warnings["ti-8401"]
    assert version.warnings[0].startswith("Commune écartée de la composition déduite : commune 39001 Epsilon (39)")


def test_importing_the_derived_file_again_writes_nothing(mini_world, tmp_path):
    polygons = shapely.MultiPolygon([shapely.box(-0.1, 44.9, 2.2, 46.1), shapely.box(4.1, 45.1, 4.9, 45.9)])
    path = w.write_polygons_geojson(tmp_path / "p.geojson", [("ti-8401", "Alpha-Beta", polygons)])
    import_perimeters(parse_phase1_polygons(path))

    report = import_perimeters(parse_phase1_polygons(path))

    assert report.new_versions == [] and report.unchanged == ["ti-8401"]


def test_the_territory_page_shows_the_data_warning(client, mini_world, tmp_path):
    rows = [*w.PHASE1_ROWS, ("39001", "8401", "Alpha-Beta")]
    import_perimeters(parse_phase1_communes(w.write_phase1_csv(tmp_path / "p1.csv", rows)))

    page = client.get(reverse("territories:detail", args=["2018-2022", "ti-8401"])).content.decode()

    assert 'id="data-warnings"' in page and "Données à vérifier" in page
    assert "commune 39001 Epsilon (39) à 156 km du reste du territoire" in page


def test_a_territory_without_warning_shows_none(client, mini_world):
    page = client.get(reverse("territories:detail", args=["2023-2027", "ti-8401"])).content.decode()

    assert 'id="data-warnings"' not in page
