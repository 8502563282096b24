from datetime import date

from pilote.territories.figures import current_versions
from pilote.territories.models import PerimeterVersion, Phase, Territory

from .growth import add_version, grow


def test_current_versions_is_today_state_of_every_phase(mini_world):
    grow()
    withdrawn = Territory.objects.get(phase__slug="2018-2022", code="ti-2701")
    add_version(withdrawn, communes=["39001"], valid_on=date(2021, 1, 1))
    Territory.objects.filter(pk=withdrawn.pk).update(withdrawn_on=date(2022, 12, 31))
    expected = {v.pk for phase in Phase.objects.all() for v in PerimeterVersion.objects.state_of(phase)}
    assert set(current_versions().values_list("pk", flat=True)) == expected
    assert len(expected) == 5  # phase 1: ti-8401 only; phase 2: ti-8401 (version 2), ti-2701, ti-8402, ti-2702
