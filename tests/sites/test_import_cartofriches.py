"""Cartofriches import: every site kept with its facts (source and date, unknown ≠ no), placed in its commune of the
platform's edition, its EPCI and the territory of each phase; idempotent per SHA-256; a re-import updates the
facts and keeps what people added."""

import gc

import pytest

from pilote.core.models import AuditEvent
from pilote.sites.enums import LabelState, SiteKind, SiteOrigin
from pilote.sites.importers import ImportFileError, import_file
from pilote.sites.models import Site, SiteImport

from .files import brownfield, write_cartofriches


def test_a_brownfield_is_placed_in_its_commune_epci_and_territories(mini_world, tmp_path):
    path = write_cartofriches(tmp_path / "friches.csv", [brownfield("01001_1", "01001")])
    outcome = import_file("cartofriches", path)
    site = Site.objects.get(identifier="01001_1")
    assert (site.commune_code, site.epci_siren, site.departement_code, site.region_code) == (
        "01001",
        "200000001",
        "01",
        "84",
    )
    assert site.territories == {"2018-2022": "ti-8401", "2023-2027": "ti-8401"}
    assert (site.kind, site.origin, site.label_state, site.area_m2) == (
        SiteKind.BROWNFIELD,
        SiteOrigin.CARTOFRICHES,
        LabelState.POOL,
        12000.5,
    )
    assert site.is_artificialised is True
    assert (outcome.report.created, outcome.report.updated) == (1, 0)


def test_each_fact_has_its_source_and_date_and_unknown_is_not_no(mini_world, tmp_path):
    rows = [
        brownfield("01001_1", "01001"),
        brownfield("01004_2", "01004", sol_pollution_existe="pollution inexistante", site_statut="friche potentielle"),
        brownfield("39002_3", "39002", sol_pollution_existe="inconnu", urba_zone_type="", site_actu_date=""),
    ]
    import_file("cartofriches", write_cartofriches(tmp_path / "friches.csv", rows))
    facts = {s.identifier: s.facts for s in Site.objects.all()}
    assert facts["01001_1"]["pollution_known"] == {
        "value": True,
        "source": "Cartofriches (Cerema) — observatoire local",
        "date": "2023-05-04",
    }
    assert facts["01004_2"]["pollution_known"]["value"] is False
    assert facts["39002_3"]["pollution_known"]["value"] is None
    assert facts["39002_3"]["zoning"] == {
        "value": None,
        "source": "Cartofriches (Cerema) — observatoire local",
        "date": "2024-03-10",
    }
    assert facts["01004_2"]["is_verified_brownfield"]["value"] is False
    assert facts["01001_1"]["rail_distance_m"]["value"] == 850.0
    assert facts["01001_1"]["distance_road_m"]["value"] is None
    assert facts["01001_1"]["owner_category"]["value"] == "COMMUNE ; SCI - SOCIETE CIVILE IMMOBILIERE"


def test_an_old_commune_code_is_carried_to_the_commune_nouvelle(mini_world, tmp_path):
    path = write_cartofriches(tmp_path / "friches.csv", [brownfield("01003_1", "01003")])
    outcome = import_file("cartofriches", path)
    assert Site.objects.get().commune_code == "01002"
    assert outcome.report.left_out == {"ancien code commune rapporté à la commune du COG 2026": 1}


def test_a_site_outside_the_edition_is_kept_without_a_commune_and_reported(mini_world, tmp_path):
    path = write_cartofriches(tmp_path / "friches.csv", [brownfield("75056_1", "75056")])
    outcome = import_file("cartofriches", path)
    site = Site.objects.get()
    assert (site.commune_code, site.region_code, site.territories) == ("", "", {})
    assert site.facts["commune_in_file"]["value"] == "75056"
    assert outcome.report.left_out == {"commune absente du COG 2026 : site gardé sans commune": 1}
    assert SiteImport.objects.get().report["écartés"] == {"commune absente du COG 2026 : site gardé sans commune": 1}


def test_the_same_file_twice_writes_nothing_the_second_time(mini_world, tmp_path):
    path = write_cartofriches(tmp_path / "friches.csv", [brownfield("01001_1", "01001")])
    import_file("cartofriches", path)
    second = import_file("cartofriches", path)
    assert (second.report, second.written) == (None, False)
    assert SiteImport.objects.count() == 1
    assert Site.objects.get().revision == 1


def test_a_new_file_updates_the_facts_and_keeps_what_people_added(mini_world, tmp_path):
    import_file("cartofriches", write_cartofriches(tmp_path / "a.csv", [brownfield("01001_1", "01001")]))
    added = {"land_control": {"value": True, "source": "commune", "date": "2026-01-05"}}
    Site.objects.filter(identifier="01001_1").update(
        added_facts=added, polygon='{"type": "Polygon"}', label_state=LabelState.PROPOSED
    )
    newer = [brownfield("01001_1", "01001", site_surface="20000", urba_zone_type="AUs"), brownfield("01004_9", "01004")]
    outcome = import_file("cartofriches", write_cartofriches(tmp_path / "b.csv", newer))
    site = Site.objects.get(identifier="01001_1")
    assert (site.area_m2, site.facts["zoning"]["value"], site.revision) == (20000.0, "AUs", 2)
    assert (site.added_facts, site.polygon, site.label_state) == (added, '{"type": "Polygon"}', LabelState.PROPOSED)
    assert (outcome.report.created, outcome.report.updated) == (1, 1)


def test_a_dry_run_reports_and_writes_nothing(mini_world, tmp_path):
    path = write_cartofriches(tmp_path / "friches.csv", [brownfield("01001_1", "01001")])
    outcome = import_file("cartofriches", path, dry_run=True)
    assert (outcome.report.created, outcome.written) == (1, False)
    assert (Site.objects.count(), SiteImport.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_an_import_leaves_a_row_in_the_audit_trail(mini_world, tmp_path):
    import_file("cartofriches", write_cartofriches(tmp_path / "f.csv", [brownfield("01001_1", "01001")]))
    event = AuditEvent.objects.get(action="sites.import")
    assert (event.object_id, event.changes) == (str(SiteImport.objects.get().pk), {"rows": [None, 1]})


def test_the_collector_paused_from_read_to_write_resumes_after_a_written_or_refused_file(mini_world, tmp_path):
    """The import pauses Python's cyclic collector while its rows live (core.bulk): it must run again after."""
    assert gc.isenabled()
    import_file("cartofriches", write_cartofriches(tmp_path / "f.csv", [brownfield("01001_1", "01001")]))
    assert gc.isenabled() and Site.objects.count() == 1
    with pytest.raises(ImportFileError):
        import_file("cartofriches", write_cartofriches(tmp_path / "g.csv", [brownfield("01001_2", "1001")]))
    assert gc.isenabled() and Site.objects.count() == 1
