from pilote.core.enums import Role
from pilote.territories.models import Territory

from ..core.factories import UserFactory, user_with_role


def _codes(user, phase="2023-2027"):
    return sorted(Territory.objects.filter(phase__slug=phase).in_scope_of(user).values_list("code", flat=True))


def test_national_sees_every_territory(mini_world):
    assert _codes(user_with_role(Role.NATIONAL)) == ["ti-2701", "ti-8401"]


def test_a_territory_crossing_two_regions_is_in_the_scope_of_both(mini_world):
    # ti-8401 of phase 2 holds CA Beta, which reaches 39001 in Bourgogne-Franche-Comté (27)
    assert _codes(user_with_role(Role.REGION_REVIEWER, region_code="84")) == ["ti-8401"]
    assert _codes(user_with_role(Role.REGION_REVIEWER, region_code="27")) == ["ti-2701", "ti-8401"]


def test_a_departement_reviewer_sees_the_territories_touching_the_departement(mini_world):
    assert _codes(user_with_role(Role.DEPARTEMENT_REVIEWER, departement_code="01")) == ["ti-8401"]


def test_a_territory_team_sees_only_its_territory_of_its_phase(mini_world):
    team = user_with_role(Role.TERRITORY_TEAM, phase_slug="2023-2027", territory_code="ti-2701")
    assert _codes(team) == ["ti-2701"]
    assert _codes(team, phase="2018-2022") == []


def test_someone_without_a_role_or_anonymous_sees_nothing(mini_world):
    from django.contrib.auth.models import AnonymousUser

    assert _codes(UserFactory()) == []
    assert _codes(AnonymousUser()) == []
