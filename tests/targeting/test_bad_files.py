"""Every kind of bad file is refused with a French message naming the problem, and nothing is written."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilote.targeting.importers import SOURCES, ImportFileError, write
from pilote.targeting.models import Dataset, SourceValue, Zone, ZoneCommune

from . import files as f

pytestmark = pytest.mark.django_db


def _without_code_row(sheets: dict) -> dict:
    rows = sheets["Composition_communale"]
    sheets["Composition_communale"] = [row for row in rows if row[:1] != ["CODGEO"]]
    return sheets


def _shifted_zone(tmp_path):
    rows = f.unemployment_rows()
    rows[-1] = [None, *rows[-1]]  # one row pasted a column to the right
    return f.write_unemployment(tmp_path / "x.xlsx", sheets={"txcho_ze": rows})


def _non_numeric(tmp_path):
    rates = {**f.RATES, "8405": [5.0, "n.d.", 5.2, 5.4]}
    return f.write_unemployment(tmp_path / "x.xlsx", sheets={"txcho_ze": f.unemployment_rows(rates=rates)})


def _unknown_zone(tmp_path):
    return f.write_ze(tmp_path / "x.xlsx", f.ze_sheets(members={**f.MEMBERS, "39003": ("9999", "")}))


def _duplicate_commune(tmp_path):
    path = f.write_filosofi(tmp_path / "x.xlsx", {"01001": 18, "01002": 12})
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook["ENSEMBLE"].append(["01001", "Commune 01001", None, None, 19, 10000, 0.2])
    workbook.save(path)
    return path


def _utf16(tmp_path):
    return f.write_urssaf(tmp_path / "x.csv", [("01001", "2511Z Métal", {"2019": (1, 2)})], encoding="utf-16")


def _empty(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"")
    return tmp_path / "x.csv"


def _extra_field(tmp_path):
    path = f.write_urssaf(tmp_path / "x.csv", [("01001", "2511Z Métal", {"2019": (1, 2)})])
    path.write_text(path.read_text(encoding="utf-8-sig") + "84;01;X;01002;25 S;2511Z Métal;1;2;3;4;5\r\n")
    return path


def _duplicate_pair(tmp_path):
    row = ("01001", "2511Z Métal", {"2019": (1, 2)})
    return f.write_urssaf(tmp_path / "x.csv", [row, row])


def _csv_as_workbook(tmp_path):
    (tmp_path / "x.xlsx").write_text("ZE2020;LIBZE2020\n0051;Alençon\n", encoding="utf-8")
    return tmp_path / "x.xlsx"


BAD_FILES = {
    "wrong sheet": (
        "insee-chomage-ze",
        lambda p: f.write_unemployment(p / "x.xlsx", sheets={"Feuil1": f.unemployment_rows()}),
        "onglet « txcho_ze » introuvable",
    ),
    "missing header": (
        "insee-ze2020-composition",
        lambda p: f.write_ze(p / "x.xlsx", _without_code_row(f.ze_sheets())),
        "ligne d'en-tête introuvable (colonnes CODGEO, ZE2020 attendues",
    ),
    "shifted columns in a workbook": (
        "insee-chomage-ze",
        _shifted_zone,
        "ligne 9 : code de zone invalide '' (colonnes décalées ?)",
    ),
    "shifted columns in a CSV": ("urssaf-etablissements-effectifs", _extra_field, "colonnes décalées"),
    "non-numeric cell": ("insee-chomage-ze", _non_numeric, "ligne 8, 2023-T1 : valeur non numérique 'n.d.'"),
    "unknown zone": ("insee-ze2020-composition", _unknown_zone, "39003 dans une zone inconnue de l'onglet ZE2020"),
    "duplicate commune": ("insee-filosofi-2019", _duplicate_commune, "commune 01001 déjà listée ligne 7"),
    "duplicate commune × APE": ("urssaf-etablissements-effectifs", _duplicate_pair, "déjà lues ligne 2"),
    "empty file": ("insee-dossier-complet", _empty, "fichier vide"),
    "empty sheet": (
        "insee-chomage-ze",
        lambda p: f.write_unemployment(p / "x.xlsx", sheets={"txcho_ze": f.unemployment_rows(rates={})}),
        "aucune ligne de données sous l'en-tête",
    ),
    "wrong encoding": ("urssaf-etablissements-effectifs", _utf16, "encodage UTF-16 non pris en charge"),
    "not a workbook": ("insee-ze2020-composition", _csv_as_workbook, "n'est pas un classeur Excel"),
    "no quarter": (
        "insee-chomage-ze",
        lambda p: f.write_unemployment(p / "x.xlsx", sheets={"txcho_ze": f.unemployment_rows(quarters=["T1"])}),
        "aucune colonne de trimestre",
    ),
    "no activity column": (
        "insee-dossier-complet",
        lambda p: (p / "x.csv").write_text("CODGEO;P21_POP\n01001;100\n") and p / "x.csv",
        "aucune colonne PAA_EMPLT, ETBEAA ni MEDAA",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_in_french_and_nothing_is_written(kind, tmp_path):
    source, make, message = BAD_FILES[kind]
    path = make(tmp_path)

    with pytest.raises(ImportFileError) as refused:
        write(SOURCES[source].parse(path))

    assert message in str(refused.value)
    assert "fichier refusé, rien n'a été écrit" in str(refused.value)
    counts = [model.objects.count() for model in (Dataset, SourceValue, Zone, ZoneCommune)]
    assert counts == [0, 0, 0, 0]


def test_an_unemployment_zone_unknown_to_the_imported_zoning_is_refused(tmp_path):
    write(SOURCES["insee-ze2020-composition"].parse(f.write_ze(tmp_path / "ze.xlsx")))
    rates = {**f.RATES, "7777": [1.0, 1.0, 1.0, 1.0]}
    path = f.write_unemployment(tmp_path / "x.xlsx", sheets={"txcho_ze": f.unemployment_rows(rates=rates)})

    with pytest.raises(CommandError, match="zone 7777 inconnue du zonage ZE2020 importé"):
        call_command("import_indicators", file=path, kind="chomage")

    assert (Dataset.objects.count(), SourceValue.objects.count()) == (1, 0)  # only the zoning


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("friches", ["--edition", "2024"], "millésime de l'inventaire requis"),
        ("friches", ["--vintage", "2025-06"], r"millésime du COG des codes communes requis \(option --edition\)"),
        ("urssaf", [], r"millésime du COG des codes communes requis \(option --edition\)"),
    ],
)
def test_a_file_given_by_hand_must_say_what_the_manifest_would(kind, options, message, tmp_path):
    path = f.write_brownfields(tmp_path / "x.csv", [("01001", "friche sans projet", "100", "")])
    if kind == "urssaf":
        path = f.write_urssaf(tmp_path / "x.csv", [("01001", "2511Z Métal", {"2019": (1, 2)})])

    with pytest.raises(CommandError, match=message):
        call_command("import_indicators", "--file", str(path), "--kind", kind, *options)

    assert Dataset.objects.count() == 0
