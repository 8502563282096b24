"""The facts the qualification method reads are the facts the sources write. Every criterion's key is written by an
importer (Cartofriches, CNIG SITE-ECO), by the site itself (area, kind, territories) or by a person (the proposal
form) — and a key only a person can give is documented as such in `scoring.KNOWN_WHEN_A_PERSON_ADDS`. Every value a
source writes under such a key is one its criterion reads: a value no rule matches would be scored « inconnu »
without anyone noticing."""

import pytest
from django import forms

from pilote.sites import scoring
from pilote.sites.forms.proposal import FACTS, fact_value
from pilote.sites.importers import import_file
from pilote.sites.models import Site
from pilote.sites.siteeco import import_site_eco

from .files import BUILT, FREE, ZONE, brownfield, table, write_cartofriches

CRITERIA = {criterion["key"]: criterion for criterion in scoring.DEFAULT_CRITERIA}
# The CNIG Friches enumeration of `sol_pollution_existe`; « inconnu », « autre » and « sans objet » say nothing.
POLLUTION = ["pollution inexistante", "pollution traitée", "pollution peu probable", "pollution supposée",
             "pollution avérée", "inconnu", "autre", "sans objet"]  # fmt: skip
NOT_INFORMATIVE = {"autre"}
# What the national file holds in the columns the method reads (cartofriches_sites_2024-03.csv).
OWNERS = ["personne morale", "personne physique", "personne physique, personne morale", "inconnu"]
ZONES = ["U", "", "N", "A", "AUc", "AUs", "Nh", "Ah"]


pytestmark = pytest.mark.usefixtures("data_mirror")


def _cartofriches(tmp_path) -> list[dict]:
    rows = [
        brownfield(
            f"01001_{i}",
            "01001",
            sol_pollution_existe=pollution,
            proprio_personne=OWNERS[i % len(OWNERS)],
            urba_zone_type=ZONES[i % len(ZONES)],
            desserte_distance_route="300",
            desserte_distance_fluvial="1500",
        )  # fmt: skip
        for i, pollution in enumerate(POLLUTION)
    ]
    import_file("cartofriches", write_cartofriches(tmp_path / "friches.csv", rows))
    return [site.facts for site in Site.objects.filter(origin="cartofriches")]


def _site_eco() -> list[dict]:
    import_site_eco(table("site-eco", ZONE), table("terrain-eco", FREE, BUILT), "zae.csv")
    return [site.facts for site in Site.objects.filter(origin="site_eco")]


def _proposal() -> list[dict]:
    """One set of facts per value a person can choose or type in the form."""
    typed = {forms.CharField: "UX", forms.FloatField: 4_500.0}
    written = []
    for key, field in FACTS.items():
        raws = [value for value, _ in field.choices if value] if hasattr(field, "choices") else [typed[type(field)]]
        written += [{key: {"value": fact_value(raw), "source": "Visite", "date": "2026-11-30"}} for raw in raws]
    return written


def _derived() -> set[str]:
    """The facts a site holds itself (its area, its kind, its territories)."""
    own = {"kind": "brownfield", "area_m2": 1.0, "is_artificialised": True, "territories": {}}
    return set(scoring.site_facts(**own, facts={}, added_facts={}, current_phase=""))


def _keys(facts: list[dict]) -> set[str]:
    return {key for one in facts for key, fact in one.items() if fact["value"] is not None}


def test_every_criterion_reads_a_fact_some_source_writes(mini_world, tmp_path):
    imported = _keys(_cartofriches(tmp_path)) | _keys(_site_eco()) | _derived()
    by_people = _keys(_proposal())
    assert set(CRITERIA) - imported - by_people == set()
    assert set(CRITERIA) & by_people - imported == scoring.KNOWN_WHEN_A_PERSON_ADDS


def test_cartofriches_has_no_motorway_distance_its_road_distance_is_not_one(mini_world, tmp_path):
    facts = _cartofriches(tmp_path)[0]
    assert facts["distance_road_m"]["value"] == 300 and "motorway_distance_m" not in facts  # stays « inconnu »
    assert facts["waterway_distance_m"]["value"] == 1500 and facts["rail_distance_m"]["value"] == 850


@pytest.mark.parametrize("source", ["cartofriches", "site_eco", "proposal"])
def test_every_value_a_source_writes_is_one_the_criterion_reads(mini_world, tmp_path, source):
    written = {"cartofriches": lambda: _cartofriches(tmp_path), "site_eco": _site_eco, "proposal": _proposal}[source]()
    unread = {
        (key, fact["value"])
        for facts in written
        for key, fact in facts.items()
        if key in CRITERIA and fact["value"] not in (None, *NOT_INFORMATIVE)
        and not scoring.criterion_points(CRITERIA[key], fact)["known"]
    }  # fmt: skip
    assert unread == set()


def test_every_fact_a_source_writes_has_a_french_name(mini_world, tmp_path):
    from pilote.sites import facts as catalogue

    written = _keys(_cartofriches(tmp_path)) | _keys(_site_eco()) | _keys(_proposal())
    assert written - set(catalogue.LABELS) == set()
    assert catalogue.label("land_control") == "maîtrise foncière"
    assert catalogue.reading("land_control", "controlled") == "maîtrisé par la collectivité ou l'aménageur"
    assert catalogue.reading("zoning", "UX") is None  # not coded: read as written
