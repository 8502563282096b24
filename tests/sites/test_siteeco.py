"""CNIG SITE-ECO / TERRAIN-ECO: import of CSV and GeoPackage files written in the official schema, validated with
frictionless, and the export of labelled sites in the same format, validated too."""

import json
import sqlite3
import struct
from datetime import date
from pathlib import Path

import pytest
import shapely
from django.core.management import CommandError, call_command

from pilote.sites import siteeco
from pilote.sites.enums import LabelState, SiteKind, SiteOrigin
from pilote.sites.models import Site, SiteImport
from pilote.sites.siteeco import SiteEcoRefused, import_site_eco
from pilote.sites.zan import naf_impact

from .files import BUILT, FREE, SOLD, ZONE, site_eco_example, table

pytestmark = pytest.mark.usefixtures("data_mirror")


def test_csv_plots_become_sites_with_facts_sources_and_the_zan_rule(mini_world):
    report = import_site_eco(table("site-eco", ZONE), table("terrain-eco", FREE, BUILT, SOLD), "zae.csv")
    assert (report.created, report.updated) == (2, 0)
    assert report.left_out == ["Terrain 01001_TERRAIN-ECO_00003 (ZAC Les Bornes du Temps) : déjà occupé."]
    free = Site.objects.get(identifier="01001_TERRAIN-ECO_00001")
    assert (free.kind, free.origin, free.area_m2, free.epci_siren) == (
        SiteKind.ZONE_PLOT, SiteOrigin.SITE_ECO, 45_000, "200000001")  # fmt: skip
    assert free.facts["land_control"] == {"value": "controlled", "source": "CNIG SITE-ECO / TERRAIN-ECO — DDT de la "
                                          "Somme", "date": "2023-08-29"}  # fmt: skip
    assert free.facts["motorway_distance_m"]["value"] == 17_000
    assert free.facts["turnkey"]["value"] is True
    assert 44 < free.latitude < 45 and 2 < free.longitude < 3  # Lambert-93 contour carried to degrees
    assert naf_impact(free).naf_m2 == 45_000  # a greenfield plot consumes its area
    built = Site.objects.get(identifier="01001_TERRAIN-ECO_00002")
    assert built.is_artificialised and naf_impact(built).naf_m2 == 0 and built.facts["networks"]["value"] is True
    assert "2 sites créés" in SiteImport.objects.get().report["text"]


def test_a_zone_without_plots_is_one_site_of_its_available_area(mini_world):
    import_site_eco(table("site-eco", ZONE), None, "zae.csv")
    site = Site.objects.get(identifier="80024_SITE-ECO_00001")
    assert site.area_m2 == 57_000 and site.is_artificialised is None


def test_a_site_is_placed_like_the_others_through_the_stored_resolutions(mini_world):
    """Commune → EPCI → territory of each phase by the importers' Placer, not by the file's words: an EPCI SIREN
    the file gets wrong is corrected, an older commune code is carried to the commune that holds it now."""
    zones = table("site-eco", ZONE | {"site_epci_siren": "200099999"}, ZONE | {"site_id": "01003_SITE-ECO_00002",
                  "site_comm_insee": "01003"})  # fmt: skip
    import_site_eco(zones, table("terrain-eco", FREE), "zae.csv")
    plot = Site.objects.get(identifier="01001_TERRAIN-ECO_00001")
    assert (plot.commune_code, plot.epci_siren, plot.departement_code, plot.region_code) == ("01001", "200000001",
                                                                                              "01", "84")  # fmt: skip
    assert plot.territories == {"2018-2022": "ti-8401", "2023-2027": "ti-8401"}
    assert Site.objects.get(identifier="01003_SITE-ECO_00002").commune_code == "01002"


def test_a_commune_unknown_to_the_edition_keeps_its_site_without_a_place_and_is_reported(mini_world):
    report = import_site_eco(table("site-eco", ZONE | {"site_comm_insee": "75056"}), None, "zae.csv")
    site = Site.objects.get()
    assert (site.commune_code, site.region_code, site.territories) == ("", "", {})
    assert site.facts["commune_in_file"]["value"] == "75056"
    assert "Commune 75056 absente du COG 2026 : site(s) gardé(s) sans commune." in report.as_text()
    assert report.left_out == []


def test_sites_before_the_geography_are_refused(db, settings):
    settings.DEFAULT_EDITION = 2031
    with pytest.raises(SiteEcoRefused, match="COG 2031 absent"):
        import_site_eco(table("site-eco", ZONE), None, "zae.csv")
    assert Site.objects.count() == 0


def test_reimport_updates_facts_and_keeps_what_people_added(mini_world):
    import_site_eco(table("site-eco", ZONE), table("terrain-eco", FREE), "a.csv")
    site = Site.objects.get()
    site.added_facts = {"flood_risk": {"value": False, "source": "DDT", "date": "2026-01-01"}}
    site.save()
    assert import_site_eco(table("site-eco", ZONE), table("terrain-eco", FREE), "a.csv").already_imported
    report = import_site_eco(table("site-eco", ZONE), table("terrain-eco", FREE | {"terr_surf_brute": "6"}), "b.csv")
    assert (report.created, report.updated) == (0, 1)
    site.refresh_from_db()
    assert site.area_m2 == 60_000 and site.revision == 2 and site.added_facts["flood_risk"]["value"] is False


def _geopackage(path: Path, zone: dict) -> bytes:
    """A GeoPackage as QGIS writes one: gpkg_contents, gpkg_geometry_columns, the geometry as a GP blob."""
    header, example = site_eco_example("site-eco")
    values = dict(zip(header, example, strict=True)) | zone
    geometry = shapely.from_geojson(json.dumps(siteeco._closed(json.loads(values.pop("site_geomsurf")))))
    blob = b"GP" + bytes([0, 0b0000_0001]) + struct.pack("<i", 2154) + shapely.to_wkb(geometry)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT)")
    db.execute("CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INTEGER)")
    db.execute("INSERT INTO gpkg_contents VALUES ('site_eco', 'features')")
    db.execute("INSERT INTO gpkg_geometry_columns VALUES ('site_eco', 'geom', 2154)")
    columns = ", ".join(f'"{c}" TEXT' for c in values)
    db.execute(f"CREATE TABLE site_eco (fid INTEGER PRIMARY KEY, geom BLOB, {columns})")
    db.execute(f"INSERT INTO site_eco VALUES (1, ?, {', '.join('?' * len(values))})", [blob, *values.values()])
    db.commit()
    db.close()
    return path.read_bytes()


def test_geopackage_is_read_validated_and_imported(mini_world, tmp_path):
    data = _geopackage(tmp_path / "zae.gpkg", ZONE)
    report = import_site_eco(data, None, "zae.gpkg", geopackage=True)
    assert report.created == 1
    site = Site.objects.get()
    assert json.loads(site.polygon)["type"] == "Polygon" and 44 < site.latitude < 45


BAD = {
    "empty": (b"", None, "vide"),
    "not utf-8": (b"\xff\xfe\x00s\x00i", None, "UTF-8"),
    "missing column": (table("site-eco", ZONE).replace(b"site_nom;", b""), None, "colonne"),
    "not a number": (table("site-eco", ZONE | {"site_surf_brute": "grand"}), None, "site_surf_brute"),
    "missing required": (table("site-eco", ZONE | {"site_comm_insee": ""}), None, "site_comm_insee"),
    "yes/no out of enum": (table("site-eco", ZONE | {"reseau_gaz": "peut-être"}), None, "reseau_gaz"),
    "bad date": (table("site-eco", ZONE | {"site_actu_date": "29/08/2023"}), None, "site_actu_date"),
    "bad geojson": (table("site-eco", ZONE | {"site_geomsurf": "{pas du json"}), None, "site_geomsurf"),
    "duplicate id": (table("site-eco", ZONE, ZONE), None, "identifiant en double"),
    "plot of an unknown zone": (table("site-eco", ZONE), table("terrain-eco", FREE | {"site_id": "X"}), "absente"),
    "not a geopackage": (b"PK\x03\x04 not sqlite", None, "GeoPackage"),
}


@pytest.mark.parametrize("kind", BAD)
def test_bad_files_are_refused_in_french_and_nothing_is_written(mini_world, kind):
    sites, terrains, words = BAD[kind]
    import_site_eco(table("site-eco", ZONE), None, "before.csv")
    before = list(Site.objects.values_list("identifier", "area_m2"))
    with pytest.raises(SiteEcoRefused) as refused:
        import_site_eco(sites, terrains, "bad", geopackage=kind == "not a geopackage")
    assert words in " ".join(refused.value.errors)
    assert list(Site.objects.values_list("identifier", "area_m2")) == before and SiteImport.objects.count() == 1


def _labelled(identifier: str, **fields) -> Site:
    values = dict(
        identifier=identifier,
        name=f"Site {identifier}",
        kind=SiteKind.BROWNFIELD,
        latitude=46.2,
        longitude=5.2,
        area_m2=120_000,
        commune_code="01001",
        epci_siren="200000001",
        origin=SiteOrigin.CARTOFRICHES,
        label_state=LabelState.LABELLED,
        facts={"motorway_distance_m": {"value": 4200, "source": "Cartofriches", "date": "2024-03-01"}},
    )
    return Site.objects.create(**(values | fields))  # fmt: skip


def test_export_of_labelled_sites_is_valid_against_the_official_schemas(db):
    polygon = '{"type": "Polygon", "coordinates": [[[5, 46], [5.01, 46], [5.01, 46.01], [5, 46]]]}'
    sites = [_labelled("a"), _labelled("b", polygon=polygon, area_m2=None)]
    tables = siteeco.export_tables(sites, today=date(2026, 11, 30))
    zones = siteeco.validate("site-eco", tables["site-eco"])  # raises SiteEcoRefused when not valid
    plots = siteeco.validate("terrain-eco", tables["terrain-eco"])
    assert [z["site_surf_brute"] for z in zones] == [12, 0]
    assert float(zones[0]["autoroute_echang_dist"]) == pytest.approx(4.2)
    assert zones[0]["site_description"].startswith("Contour approché") and not zones[1]["site_description"]
    assert shapely.from_geojson(json.dumps(zones[0]["site_geomsurf"])).area > 0
    assert [p["site_id"] for p in plots] == [z["site_id"] for z in zones]


def test_exported_files_import_back(mini_world):
    files = siteeco.export_csv([_labelled("a")], today=date(2026, 11, 30))
    Site.objects.all().delete()
    report = import_site_eco(files["site-eco.csv"].encode(), files["terrain-eco.csv"].encode(), "export")
    assert report.created == 1 and Site.objects.get().area_m2 == 120_000


def test_command_imports_a_pair_of_csv_and_refuses_in_french(mini_world, tmp_path, capsys):
    (tmp_path / "site-eco.csv").write_bytes(table("site-eco", ZONE))
    (tmp_path / "terrain-eco.csv").write_bytes(table("terrain-eco", FREE, SOLD))
    call_command("import_site_eco", str(tmp_path / "site-eco.csv"), str(tmp_path / "terrain-eco.csv"))
    out = capsys.readouterr().out
    assert "1 sites créés, 0 mis à jour, 1 terrains écartés" in out and "déjà occupé" in out
    (tmp_path / "bad.csv").write_bytes(table("site-eco", ZONE | {"site_surf_brute": "x"}))
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_site_eco", str(tmp_path / "bad.csv"))


def test_export_command_writes_the_labelled_sites_only(db, tmp_path, capsys):
    _labelled("a")
    _labelled("b", label_state=LabelState.IN_REVIEW)
    call_command("export_site_eco", str(tmp_path / "out"))
    assert "1 sites labellisés exportés" in capsys.readouterr().out
    rows = (tmp_path / "out" / "terrain-eco.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("01001_TERRAIN-ECO_00001;01001_SITE-ECO_00001;")
