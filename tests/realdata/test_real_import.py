import pytest

from pilote.geography.models import Commune, Edition, Epci
from pilote.territories.models import PerimeterVersion, Phase, Resolution, Territory

pytestmark = pytest.mark.realdata


def test_every_packaged_edition_is_imported(db):
    assert list(Edition.objects.values_list("year", flat=True)) == [2020, 2022, 2023, 2024, 2025, 2026]
    assert Edition.objects.get(year=2023).source == "@etalab/decoupage-administratif@3.1.1"


def test_edition_2026_has_the_official_counts(db):
    assert Commune.objects.filter(edition_id=2026, kind="COM").count() == 34969
    assert Epci.objects.filter(edition_id=2026).exclude(kind="EPT").count() == 1255
    assert Epci.objects.filter(edition_id=2026, kind="EPT").count() == 11


def test_phase_two_has_183_territories_and_phase_one_149_at_the_end(db):
    phase1, phase2 = Phase.objects.get(slug="2018-2022"), Phase.objects.get(slug="2023-2027")
    assert len(PerimeterVersion.objects.state_of(phase2)) == 183
    assert len(PerimeterVersion.objects.state_of(phase1)) == 149


def test_phase_one_keeps_the_2020_composition_of_148_territories(db):
    import datetime

    phase1 = Phase.objects.get(slug="2018-2022")
    state_2020 = PerimeterVersion.objects.state_of(phase1, datetime.date(2020, 12, 31))
    assert len(state_2020) == 148
    assert Territory.objects.get(phase=phase1, code="ti-5305").withdrawn_on == datetime.date(2022, 12, 31)


def test_ti_0101_is_two_different_territories(db):
    names = dict(Territory.objects.filter(code="ti-0101").values_list("phase__slug", "name"))
    assert names["2023-2027"] == "Basse-Terre"
    assert "Cap Excellence" in names["2018-2022"]


def test_every_version_is_resolved_on_2026_with_a_geometry(db):
    assert Resolution.objects.filter(edition_id=2026).count() == PerimeterVersion.objects.count()
    assert not Resolution.objects.filter(edition_id=2026, geometry="").exists()
    assert not Resolution.objects.filter(edition_id=2026).exclude(unmapped=[]).exists()
