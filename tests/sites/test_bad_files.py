"""Bad files of both sources are refused with a French message naming the problem, and nothing is written."""

import pytest

from pilote.sites.importers import ImportFileError, import_file
from pilote.sites.models import BrownfieldFunding, Site, SiteImport

from .files import CARTOFRICHES_HEADER, brownfield, funding, write_cartofriches, write_fonds


def _bytes(path, data: bytes):
    path.write_bytes(data)
    return path


BAD_CARTOFRICHES = {
    "empty": (lambda p: _bytes(p, b""), "fichier vide"),
    "workbook": (lambda p: _bytes(p, b"PK\x03\x04" + b"\x00" * 40), "ni un CSV ni un GeoJSON"),
    "utf16": (lambda p: _bytes(p, "site_id,comm_insee\n".encode("utf-16")), "UTF-16"),
    "missing column": (
        lambda p: write_cartofriches(
            p, [brownfield("01001_1", "01001")], [c for c in CARTOFRICHES_HEADER if c != "latitude"]
        ),
        "colonne(s) absente(s) : latitude",
    ),
    "header only": (lambda p: write_cartofriches(p, []), "aucune ligne de données"),
    "bad commune": (lambda p: write_cartofriches(p, [brownfield("x_1", "1001")]), "code commune invalide '1001'"),
    "bad surface": (
        lambda p: write_cartofriches(p, [brownfield("01001_1", "01001", site_surface="12 ha")]),
        "surface du site : nombre illisible '12 ha'",
    ),
    "negative surface": (
        lambda p: write_cartofriches(p, [brownfield("01001_1", "01001", site_surface="-5")]),
        "surface du site : valeur négative '-5'",
    ),
    "no coordinates": (
        lambda p: write_cartofriches(p, [brownfield("01001_1", "01001", latitude="")]),
        "coordonnées absentes ou hors limites",
    ),
    "swapped coordinates": (
        lambda p: write_cartofriches(p, [brownfield("01001_1", "01001", latitude="146.1")]),
        "coordonnées absentes ou hors limites",
    ),
    "duplicate site": (
        lambda p: write_cartofriches(p, [brownfield("01001_1", "01001"), brownfield("01001_1", "01002")]),
        "ligne 3 : site 01001_1 déjà lu ligne 2",
    ),
    "short row": (  # a row cut short: its missing cells are empty, never a crash
        lambda p: _bytes(p, (",".join(CARTOFRICHES_HEADER) + "\n01001_1,Friche du Moulin\n").encode()),
        "ligne 2 : code commune invalide ''",
    ),
    "no identifier": (lambda p: write_cartofriches(p, [brownfield("", "01001")]), "identifiant de site vide"),
    "bad distance": (
        lambda p: write_cartofriches(p, [brownfield("01001_1", "01001", desserte_distance_ferroviaire="loin")]),
        "desserte_distance_ferroviaire : nombre illisible 'loin'",
    ),
}


@pytest.mark.parametrize("case", BAD_CARTOFRICHES)
def test_a_bad_cartofriches_file_is_refused_and_nothing_is_written(mini_world, tmp_path, case):
    write, message = BAD_CARTOFRICHES[case]
    path = write(tmp_path / "friches.csv")
    with pytest.raises(ImportFileError) as refused:
        import_file("cartofriches", path)
    assert message in str(refused.value)
    assert "fichier refusé, rien n'a été écrit" in str(refused.value)
    assert (Site.objects.count(), SiteImport.objects.count()) == (0, 0)


BAD_FONDS = {
    "missing column": (
        lambda p: _bytes(p, b'"num_dossier","libreg"\n"1","Occitanie"\n'),
        "colonne(s) absente(s) : num_demarche, laureat_fv",
    ),
    "duplicate file": (lambda p: write_fonds(p, [funding("11"), funding("11")]), "dossier 11 déjà lu ligne 2"),
    "bad number": (lambda p: write_fonds(p, [funding("11", deficit="beaucoup")]), "deficit : nombre illisible"),
    "bad laureate": (lambda p: write_fonds(p, [funding("11", laureat_fv="Peut-être")]), "« Oui » ou « Non » attendu"),
    "bad reference": (lambda p: write_fonds(p, [funding("AB-1")]), "numéro de dossier invalide 'AB-1'"),
}


@pytest.mark.parametrize("case", BAD_FONDS)
def test_a_bad_fonds_friches_file_is_refused_and_nothing_is_written(mini_world, tmp_path, case):
    write, message = BAD_FONDS[case]
    with pytest.raises(ImportFileError) as refused:
        import_file("fonds-friches", write(tmp_path / "fonds.csv"))
    assert message in str(refused.value)
    assert (BrownfieldFunding.objects.count(), SiteImport.objects.count()) == (0, 0)


def test_brownfields_before_the_geography_are_refused(db, settings, tmp_path):
    settings.DEFAULT_EDITION = 2031
    with pytest.raises(ImportFileError, match="COG 2031 absent, importez la géographie d'abord"):
        import_file("cartofriches", write_cartofriches(tmp_path / "f.csv", [brownfield("01001_1", "01001")]))
    assert Site.objects.count() == 0
