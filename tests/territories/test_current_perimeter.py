"""A territory's current perimeter is its highest-numbered version (`PerimeterVersion.objects.current()`), and its
figures that version's resolution on the platform's edition (`Resolution.objects.current()`). Before, six readers
each had their own way; the reviewers' scope read every version ever resolved, so a région a territory had left
still saw it, while the budget already refused it that région's money."""

import datetime

import pytest

from pilote.core.enums import Role
from pilote.territories.models import PerimeterVersion, Resolution, Territory
from pilote.territories.services import perimeter_version_create

from ..core.factories import user_with_role


@pytest.fixture
def without_ca_beta(mini_world, settings):
    """ti-8401 (CC Alpha + CA Beta, régions 84 and 27) becomes CC Alpha alone (région 84, département 01)."""
    territory = Territory.objects.get(phase__slug="2023-2027", code="ti-8401")
    perimeter_version_create(
        territory=territory,
        members=[("epci", "200000001")],
        edition=settings.DEFAULT_EDITION,
        reason="CA Beta quitte le territoire",
        valid_on=datetime.date(2026, 1, 1),
        actor=user_with_role(Role.NATIONAL),
    )
    return Territory.objects.get(pk=territory.pk)


def test_the_current_version_is_the_highest_numbered_one(without_ca_beta):
    current = without_ca_beta.current_version()
    assert current.number == without_ca_beta.versions.count() >= 2
    assert list(PerimeterVersion.objects.current().filter(territory=without_ca_beta)) == [current]
    assert without_ca_beta.current_resolution().version == current
    assert Resolution.objects.current().filter(version__territory=without_ca_beta).get().regions == ["84"]


def test_a_region_the_territory_left_no_longer_sees_it(without_ca_beta):
    jura = user_with_role(Role.REGION_REVIEWER, region_code="27")
    assert without_ca_beta not in Territory.objects.in_scope_of(jura)
    assert without_ca_beta in Territory.objects.in_scope_of(user_with_role(Role.REGION_REVIEWER, region_code="84"))


def test_every_reader_agrees_on_the_current_perimeter(without_ca_beta):
    from pilote.budget.scenarios import _populations
    from pilote.campaigns.perimeter import current_communes

    resolution = without_ca_beta.current_resolution()
    assert without_ca_beta.area() == ({"84"}, {"01"})
    assert _populations([without_ca_beta.pk]) == {without_ca_beta.pk: resolution.population}
    communes = current_communes(without_ca_beta, without_ca_beta.current_version().edition_id)
    assert communes and communes.isdisjoint({"01004", "39001"})  # CA Beta's
