import json

from pilote.territories.models import Phase, Resolution


def test_mini_world_resolves_phase_two_on_2026(mini_world):
    resolution = Resolution.objects.get(
        version__territory__phase__slug="2023-2027", version__territory__code="ti-8401", edition_id=2026
    )
    # CC Alpha (01001 + Beta-Gamma 01002) + CA Beta (01004, 39001) on 2026
    assert sorted(resolution.communes.values_list("code", flat=True)) == ["01001", "01002", "01004", "39001"]
    assert resolution.population == 110 + 520 + 420 + 510
    assert resolution.departements == ["01", "39"]
    assert resolution.regions == ["27", "84"]
    assert json.loads(resolution.geometry)["type"] == "MultiPolygon"  # Alpha and Beta-Gamma, then Delta and Epsilon
    assert Phase.objects.count() == 2
