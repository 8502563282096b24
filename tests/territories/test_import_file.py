"""`import_territories --file PATH --phase …`: a newer list than the manifest's, and the hostile files people send.

Each refused file names its problem in French and leaves the database as it was; files that are only differently
encoded (BOM, Latin-1, Windows-1252, semicolons) are read.
"""

import json

import pytest
from django.core.management import CommandError, call_command

from pilote.core.models import AuditEvent
from pilote.core.sources import sha256_of
from pilote.territories.importers import PerimeterFileError, parse_phase1_communes, parse_phase2_liste_geo
from pilote.territories.models import PerimeterMember, PerimeterVersion, Territory

from .. import world as w

HEADER = "code_commune,code_ti,code_ti_prefixe,code_region_ti,libelle_ti\n"
PHASE1 = "".join(f"{commune},{code},TI{code},{code[:2]},{name}\n" for commune, code, name in w.PHASE1_ROWS)


def _state() -> tuple:
    """Everything an import could touch."""
    return (
        sorted(Territory.objects.values_list("phase__slug", "code", "name", "withdrawn_on")),
        sorted(PerimeterVersion.objects.values_list("territory__code", "number", "source", "notes", "warnings")),
        sorted(PerimeterMember.objects.values_list("version_id", "kind", "code")),
        AuditEvent.objects.count(),
    )


def _import(path, phase="2018-2022", **options):
    call_command("import_territories", file=path, phase=phase, valid_on="2025-06-01", **options)


def _geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _phase2_feature(code, name, liste_geo):
    return {
        "type": "Feature",
        "properties": {"id_territoire": code, "lib_territoire": name, "liste_geo": liste_geo},
        "geometry": None,
    }


HOSTILE = {
    "empty": ("p1.csv", b"", "fichier vide"),
    "blank": ("p1.csv", b"  \n\n", "fichier vide"),
    "header only": ("p1.csv", HEADER.encode(), "aucune ligne de données"),
    "truncated csv": ("p1.csv", (HEADER + PHASE1 + "01004,84").encode(), "ligne 6 : nombre de colonnes différent"),
    "truncated code": ("p1.csv", (HEADER + PHASE1 + "0100").encode(), "ligne 6 : nombre de colonnes différent"),
    "bad commune code": ("p1.csv", (HEADER + "1001,8401,TI8401,84,A\n").encode(), "code commune invalide : '1001'"),
    "duplicate commune": (
        "p1.csv",
        (HEADER + PHASE1 + "01001,8401,TI8401,84,Alpha-Beta\n").encode(),
        "ligne 6 : commune 01001 déjà listée ligne 2",
    ),
    "two labels": (
        "p1.csv",
        (HEADER + PHASE1 + "01004,8401,TI8401,84,Autre nom\n").encode(),
        "ti-8401 nommé « Alpha-Beta » puis « Autre nom »",
    ),
    "commune in two territories": (
        "p1.csv",
        (HEADER + PHASE1 + "01004,8401,TI8401,84,Alpha-Beta\n").replace("39002,2701", "01004,2701").encode(),
        "ligne 6 : commune 01004 déjà listée ligne 5",
    ),
    "unknown commune": (
        "p1.csv",
        (HEADER + PHASE1 + "75056,8401,TI8401,84,Alpha-Beta\n").encode(),
        "commune 75056 absente du COG 2020",
    ),
    "wrong columns": ("p1.csv", b"insee;territoire\n01001;8401\n", "colonnes manquantes : code_commune, code_ti"),
    "xlsx": ("p1.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "ni un CSV ni un GeoJSON"),
    "pdf": ("p1.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "ni un CSV ni un GeoJSON"),
    "utf-16": ("p1.csv", (HEADER + PHASE1).encode("utf-16"), "UTF-16 non pris en charge"),
    "undecodable": ("p1.csv", (HEADER + "01001,8401,TI8401,84,Alpha\x81\n").encode("latin-1"), "encodage non reconnu"),
    "truncated geojson": (
        "p2.geojson",
        _geojson([_phase2_feature("ti-8401", "A", "CC Alpha (200000001)")])[:-20],
        "GeoJSON illisible, tronqué ou mal formé",
    ),
    "not a feature collection": ("p2.geojson", b'{"type": "Feature", "features": 3}', "pas une FeatureCollection"),
    "no feature": ("p2.geojson", _geojson([]), "aucune entité lisible"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_refused_in_french_and_changes_nothing(mini_world, tmp_path, kind):
    name, content, message = HOSTILE[kind]
    path = tmp_path / name
    path.write_bytes(content)
    before = _state()

    with pytest.raises(CommandError) as error:
        _import(path, phase="2023-2027" if name.endswith("geojson") else "2018-2022")

    assert message in str(error.value)
    assert _state() == before


def test_two_features_sharing_a_territory_code_are_refused_not_merged(mini_world, tmp_path):
    path = tmp_path / "p2.geojson"
    path.write_bytes(
        _geojson(
            [
                _phase2_feature("ti-8401", "Ain industriel", "CC Alpha (200000001)"),
                _phase2_feature("ti-8401", "Ain industriel", "CA Beta (200000002)"),
            ]
        )
    )
    before = _state()

    with pytest.raises(CommandError, match="ti-8401 : décrit par plusieurs entités du fichier"):
        _import(path, phase="2023-2027")

    assert _state() == before


@pytest.mark.parametrize(
    ("liste_geo", "message"),
    [
        ("CC Inconnue (999999999)", "SIREN 999999999 (CC Inconnue) inconnu du COG 2023"),
        ("CC Alpha (200000001)", "commune 01001 dans plusieurs territoires : ti-2701, ti-8401"),  # overlap
        ("CC Alpha sans SIREN", "élément illisible dans liste_geo : 'CC Alpha sans SIREN'"),
    ],
)
def test_unknown_or_overlapping_members_are_refused_with_the_list(mini_world, tmp_path, liste_geo, message):
    path = tmp_path / "p2.geojson"
    path.write_bytes(
        _geojson(
            [
                _phase2_feature("ti-8401", "Ain industriel", "CC Alpha (200000001); CA Beta (200000002)"),
                _phase2_feature("ti-2701", "Nouveau Jura", f"CC Gamma (200000003); {liste_geo}"),
            ]
        )
    )
    before = _state()

    with pytest.raises(CommandError) as error:
        _import(path, phase="2023-2027")

    assert message in str(error.value) and "rien n'a été écrit" in str(error.value)
    assert _state() == before


def test_a_phase_two_list_as_csv_is_refused(mini_world, tmp_path):
    path = tmp_path / "p2.csv"
    path.write_text(HEADER + PHASE1, encoding="utf-8")

    with pytest.raises(CommandError, match="la phase 2023-2027 s'importe depuis un GeoJSON"):
        _import(path, phase="2023-2027")


NEW_TERRITORY = "01004,8402,TI8402,84,Delta Vallée de l’Ain – Créations\n"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp1252", ";"), ("cp1252", ",")],
)
def test_a_differently_encoded_list_is_read_and_adds_only_what_changed(mini_world, tmp_path, encoding, delimiter):
    path = tmp_path / "p1.csv"
    path.write_bytes((HEADER + PHASE1 + NEW_TERRITORY).replace(",", delimiter).encode(encoding))

    _import(path)

    created = Territory.objects.get(phase__slug="2018-2022", code="ti-8402")
    assert created.name == "Delta Vallée de l’Ain – Créations"
    version = created.versions.get()
    assert version.source == f"fichier-{sha256_of(path)[:16]}"
    assert sha256_of(path) in version.reason and str(version.valid_on) == "2025-06-01"
    # the territories whose communes did not change keep their single version
    assert PerimeterVersion.objects.filter(territory__phase__slug="2018-2022").count() == 3
    event = AuditEvent.objects.get(action="perimeter_version.create")
    assert (event.territory_code, event.object_id, event.actor) == ("ti-8402", str(version.pk), None)


def test_a_latin1_file_is_read(mini_world, tmp_path):
    path = tmp_path / "p1.csv"
    path.write_bytes((HEADER + PHASE1 + "01004,8402,TI8402,84,Vallée de l'Ain\n").encode("latin-1"))

    _import(path)

    assert Territory.objects.get(phase__slug="2018-2022", code="ti-8402").name == "Vallée de l'Ain"


def test_importing_the_same_file_again_writes_nothing(mini_world, tmp_path):
    path = tmp_path / "p1.csv"
    path.write_text(HEADER + PHASE1 + NEW_TERRITORY, encoding="utf-8")
    _import(path)
    before = _state()

    _import(path)

    assert _state() == before


def test_dry_run_reports_and_writes_nothing(mini_world, tmp_path, capsys):
    path = tmp_path / "p1.csv"
    path.write_text(HEADER + PHASE1 + NEW_TERRITORY, encoding="utf-8")
    before = _state()

    _import(path, dry_run=True)

    assert "would write 1 new version(s), 1 new territory(ies)" in capsys.readouterr().out
    assert _state() == before


def test_file_needs_a_phase(mini_world, tmp_path):
    path = tmp_path / "p1.csv"
    path.write_text(HEADER + PHASE1, encoding="utf-8")

    with pytest.raises(CommandError, match="--file needs --phase"):
        call_command("import_territories", file=path)


# The findings of issue 8, on the parsers the manifest's files go through too.


def test_a_latin1_phase1_file_is_decoded_instead_of_crashing(geography, tmp_path):
    path = tmp_path / "p1.csv"
    path.write_bytes((HEADER + "01001,8401,TI8401,84,Vallée\n").encode("latin-1"))

    assert parse_phase1_communes(path).territories["ti-8401"].name == "Vallée"


def test_a_phase1_file_with_a_bom_finds_its_first_column(geography, tmp_path):
    path = tmp_path / "p1.csv"
    path.write_bytes((HEADER + PHASE1).encode("utf-8-sig"))

    assert ("commune", "01001") in parse_phase1_communes(path).territories["ti-8401"].members


def test_two_phase2_features_sharing_a_code_are_not_merged(geography, tmp_path):
    path = tmp_path / "p2.geojson"
    path.write_bytes(
        _geojson(
            [
                _phase2_feature("ti-8401", "A", "CC Alpha (200000001)"),
                _phase2_feature("ti-8401", "A", "CA Beta (200000002)"),
            ]
        )
    )

    with pytest.raises(PerimeterFileError, match="ti-8401 : décrit par plusieurs entités"):
        parse_phase2_liste_geo(path)
