"""Fonds friches: each file linked to the Cartofriches brownfield that names it, else kept unlinked and reported."""

from pilote.sites.importers import import_file
from pilote.sites.models import BrownfieldFunding

from .files import brownfield, funding, write_cartofriches, write_fonds

CALL_SITE = "Appel à projet Recyclage Foncier 2021 2nde édition (Dossier N° 5638488) - Auvergne-Rhône-Alpes - 01"


def _pool(tmp_path):
    rows = [brownfield("01004_7", "01004", site_nom=CALL_SITE), brownfield("01001_1", "01001")]
    import_file("cartofriches", write_cartofriches(tmp_path / "friches.csv", rows))


def test_a_file_named_by_a_brownfield_is_linked_to_it_and_the_others_are_reported(mini_world, tmp_path):
    _pool(tmp_path)
    outcome = import_file("fonds-friches", write_fonds(tmp_path / "fonds.csv", [funding("5638488"), funding("99")]))
    linked = BrownfieldFunding.objects.get(reference="5638488")
    assert (linked.site.identifier, linked.commune_code) == ("01004_7", "01004")
    assert BrownfieldFunding.objects.get(reference="99").site is None
    assert outcome.report.left_out == {"dossier sans friche correspondante dans Cartofriches (gardé, non rattaché)": 1}
    assert linked.facts["is_laureate"] is True
    assert (linked.facts["edition"], linked.facts["deficit"], linked.facts["dab_ht"]) == ("2e édition", 630839.0, 2e5)


def test_files_imported_before_the_brownfields_are_linked_when_these_arrive(mini_world, tmp_path):
    import_file("fonds-friches", write_fonds(tmp_path / "fonds.csv", [funding("5638488")]))
    assert BrownfieldFunding.objects.get().site is None
    _pool(tmp_path)
    assert BrownfieldFunding.objects.get().site.identifier == "01004_7"


def test_a_newer_file_updates_the_files_and_keeps_their_link(mini_world, tmp_path):
    _pool(tmp_path)
    import_file("fonds-friches", write_fonds(tmp_path / "a.csv", [funding("5638488")]))
    outcome = import_file("fonds-friches", write_fonds(tmp_path / "b.csv", [funding("5638488", laureat_fv="Non")]))
    updated = BrownfieldFunding.objects.get()
    assert (updated.facts["is_laureate"], updated.site.identifier) == (False, "01004_7")
    assert (outcome.report.created, outcome.report.updated) == (0, 1)
