"""The Cerema « consommation d'espaces NAF » importer, on small files written in the official format."""

import pytest
from django.core.management import CommandError, call_command

from pilote.sites.models import NafConsumption, SiteImport
from pilote.sites.naf import NafFileRefused, import_naf

DESTS = ("act", "hab", "mix", "rou", "fer", "inc")


def cerema_file(rows: dict[str, dict[int, tuple]], years=range(2009, 2023), sep=";") -> bytes:
    """`rows`: commune → year → (total, act, hab, mix, rou, fer, inc) in m²; other years 0. Written with the official
    columns, plus the multi-year sums the importer must not read."""
    header = ["idcom", "idcomtxt", "idreg", "iddep"]
    for y in years:
        a, b = y % 100, (y + 1) % 100
        header += [f"naf{a:02}art{b:02}"] + [f"art{a:02}{d}{b:02}" for d in DESTS]
    header += ["naf11art21", "artcom2020"]
    lines = [sep.join(header)]
    for code, flows in rows.items():
        values = [code, f"Commune {code}", "84", code[:2]]
        for y in years:
            values += [str(v) for v in flows.get(y, (0,) * 7)]
        values += ["999999", "12"]
        lines.append(sep.join(values))
    return ("\n".join(lines) + "\n").encode()


ONE = {"01001": {2011: (10_000, 6_000, 4_000, 0, 0, 0, 0), 2021: (2_000, 2_000, 0, 0, 0, 0, 0)}}


def test_imports_the_yearly_flows_by_destination(db):
    report = import_naf(cerema_file(ONE), "conso.csv")
    assert report.communes == 1 and report.years == list(range(2009, 2023))
    row = NafConsumption.objects.get(commune_code="01001", year=2011)
    assert (row.total_m2, row.activity_m2, row.housing_m2) == (10_000, 6_000, 4_000)
    assert NafConsumption.objects.filter(commune_code="01001").count() == 14  # the sums naf11art21 are not flows
    assert "1 communes" in SiteImport.objects.get().report["text"]


def test_comma_separated_edition_is_read_too(db):
    import_naf(cerema_file(ONE, sep=","), "conso.csv")
    assert NafConsumption.objects.get(commune_code="01001", year=2021).activity_m2 == 2_000


def test_same_file_twice_changes_nothing_and_a_new_file_replaces_the_flows(db):
    import_naf(cerema_file(ONE), "a.csv")
    assert import_naf(cerema_file(ONE), "a.csv").already_imported
    newer = {"01001": {2011: (5_000, 5_000, 0, 0, 0, 0, 0)}}
    import_naf(cerema_file(newer, years=range(2009, 2024)), "b.csv")
    assert NafConsumption.objects.get(commune_code="01001", year=2011).total_m2 == 5_000
    assert NafConsumption.objects.filter(commune_code="01001").count() == 15
    assert SiteImport.objects.count() == 2


def test_dry_run_writes_nothing(db):
    report = import_naf(cerema_file(ONE), "a.csv", dry_run=True)
    assert report.rows == 14 and not NafConsumption.objects.exists() and not SiteImport.objects.exists()


def _swap(data: bytes, old: str, new: str) -> bytes:
    return data.replace(old.encode(), new.encode(), 1)


GOOD = cerema_file(ONE)
BAD = {
    "empty": (b"", "vide"),
    "not utf-8": (b"\xff\xfe\x00i\x00d", "UTF-8"),
    "no idcom": (_swap(GOOD, "idcom;", "code;"), "idcom"),
    "no yearly column": (b"idcom;population\n01001;12\n", "nafAAartBB"),
    "bad commune code": (_swap(GOOD, "\n01001;", "\n1001;"), "code INSEE"),
    "not a number": (_swap(GOOD, ";10000;", ";dix mille;"), "pas un nombre"),
    "negative flow": (_swap(GOOD, ";10000;", ";-10000;"), "négative"),
    "short row": (GOOD + b"01002;Commune\n", "valeurs pour"),
    "duplicate commune": (GOOD + GOOD.split(b"\n")[1] + b"\n", "deux fois"),
    "header only": (GOOD.split(b"\n")[0] + b"\n", "aucune commune"),
}


@pytest.mark.parametrize("kind", BAD)
def test_bad_files_are_refused_in_french_and_nothing_is_written(db, kind):
    data, words = BAD[kind]
    import_naf(cerema_file({"39002": {}}), "before.csv")
    before = list(NafConsumption.objects.values_list("commune_code", "year", "total_m2"))
    with pytest.raises(NafFileRefused) as refused:
        import_naf(data, "bad.csv")
    assert words in " ".join(refused.value.errors)
    assert list(NafConsumption.objects.values_list("commune_code", "year", "total_m2")) == before
    assert SiteImport.objects.count() == 1


def test_command_reports_in_french(db, tmp_path, capsys):
    path = tmp_path / "conso.csv"
    path.write_bytes(cerema_file(ONE))
    call_command("import_naf", str(path))
    assert "1 communes, 14 flux annuels (2009–2023)" in capsys.readouterr().out
    path.write_bytes(b"idcom;x\n01001;1\n")
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_naf", str(path))
