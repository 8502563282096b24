import json

import pytest
from django.db import connection

from pilote.geography import importer
from pilote.geography.importer import EditionFileError, import_edition
from pilote.geography.models import Commune, CommuneLineage, Edition, Epci, EpciMembership

from .. import world as w


def test_import_creates_communes_epci_memberships_and_lineage(db, editions_dir):
    result = import_edition(2026)

    assert result.written
    assert Edition.objects.get(year=2026).source == "@etalab/decoupage-administratif@test-2026"
    merged = Commune.objects.get(edition_id=2026, code="01002", kind="COM")
    assert merged.name == "Beta-Gamma"
    delegated = Commune.objects.get(edition_id=2026, code="01003", kind="COMD")
    assert delegated.parent == merged
    assert list(CommuneLineage.objects.filter(edition_id=2026).values_list("old_code", "commune__code")) == [
        ("01003", "01002")
    ]
    alpha = Epci.objects.get(edition_id=2026, siren="200000001")
    assert sorted(alpha.memberships.values_list("commune__code", flat=True)) == ["01001", "01002"]


def test_second_import_of_the_same_files_writes_nothing(db, editions_dir):
    import_edition(2026)
    imported_at = Edition.objects.get(year=2026).imported_at

    result = import_edition(2026)

    assert not result.written
    assert Edition.objects.get(year=2026).imported_at == imported_at


def test_dry_run_reports_the_diff_and_writes_nothing(db, editions_dir):
    import_edition(2026)
    records = w.edition_records(2026)
    records["communes"] = records.pop("communes.json")
    records["communes"][0]["nom"] = "Alpha-les-Bains"
    files = {"communes.json" if k == "communes" else k: v for k, v in records.items()}
    w.write_edition(editions_dir, 2026, files)

    result = import_edition(2026, dry_run=True)

    communes = next(d for d in result.diffs if d.label == "communes")
    assert communes.changed == [("COM", "01001")]
    assert not result.written
    assert Commune.objects.get(edition_id=2026, code="01001", kind="COM").name == "Alpha-sur-Ain"


def test_changed_files_replace_the_edition_rows(db, editions_dir):
    import_edition(2026)
    records = w.edition_records(2026)
    records["epci.json"] = [e for e in records["epci.json"] if e["code"] != "200000003"]
    w.write_edition(editions_dir, 2026, records)

    result = import_edition(2026)

    epci = next(d for d in result.diffs if d.label == "EPCI")
    assert epci.removed == ["200000003"]
    assert not Epci.objects.filter(edition_id=2026, siren="200000003").exists()
    assert EpciMembership.objects.filter(edition_id=2026).count() == 4


def test_a_broken_file_is_refused_and_the_previous_edition_stays(db, editions_dir):
    import_edition(2026)
    before = Commune.objects.filter(edition_id=2026).count()
    records = w.edition_records(2026)
    records["epci.json"][0]["membres"].append({"code": "99999", "nom": "Nulle part"})
    w.write_edition(editions_dir, 2026, records)

    with pytest.raises(EditionFileError, match="99999"):
        import_edition(2026)

    assert Commune.objects.filter(edition_id=2026).count() == before


def test_a_failure_while_writing_rolls_everything_back(db, editions_dir, monkeypatch):
    import_edition(2026)
    records = w.edition_records(2026)
    records["communes.json"][0]["nom"] = "Alpha-Nouveau"
    w.write_edition(editions_dir, 2026, records)
    wrapper = type(connection.cursor())
    real_executemany = wrapper.executemany

    def executemany(self, sql, rows):
        if "geography_communelineage" in sql:  # the last table: communes were already rewritten
            raise InterruptedError
        return real_executemany(self, sql, rows)

    monkeypatch.setattr(wrapper, "executemany", executemany)
    with pytest.raises(InterruptedError):
        import_edition(2026)

    assert Commune.objects.get(edition_id=2026, code="01001", kind="COM").name == "Alpha-sur-Ain"
    assert CommuneLineage.objects.filter(edition_id=2026).count() == 1


def test_a_missing_edition_folder_says_how_to_get_it(db, editions_dir):
    with pytest.raises(EditionFileError, match="npm ci"):
        import_edition(2031)


def test_invalid_json_is_refused_with_the_file_name(db, editions_dir):
    (editions_dir / "cog-2026" / "data" / "regions.json").write_text("{not json")
    with pytest.raises(EditionFileError, match="regions.json"):
        import_edition(2026)


def test_command_dry_run_prints_the_diff(db, editions_dir, capsys):
    from django.core.management import call_command

    call_command("import_geography", "2026", "--dry-run")

    out = capsys.readouterr().out
    assert "COG 2026 would change" in out
    assert "communes: +6" in out
    assert not Edition.objects.exists()


def test_editions_are_found_in_node_modules(editions_dir):
    assert importer.available_years() == [2020, 2023, 2026]
    assert json.loads((editions_dir / "cog-2026" / "package.json").read_text())["version"] == "test-2026"
