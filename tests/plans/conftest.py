import pytest

from pilote.core.enums import Role

from ..core.factories import user_with_role
from .factories import territory


@pytest.fixture
def ain(mini_world):
    """ti-8401 of phase 2: in région 84, and also reaching 27 through CA Beta."""
    return territory("ti-8401")


@pytest.fixture
def team(ain):
    return user_with_role(Role.TERRITORY_TEAM, phase_slug="2023-2027", territory_code="ti-8401")


@pytest.fixture
def team_client(client, team):
    client.force_login(team)
    return client


def url(name: str, t, **kwargs) -> str:
    from django.urls import reverse

    return reverse(f"plans:{name}", kwargs={"phase": t.phase.slug, "code": t.code, **kwargs})
