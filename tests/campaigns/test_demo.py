"""The demo campaign: every state, some opinions, clearly labelled, idempotent."""

import pytest

from pilote.campaigns import demo
from pilote.campaigns.enums import FileState
from pilote.campaigns.models import Campaign, Opinion, TerritoryFile
from pilote.core.enums import Role
from pilote.territories.models import Territory

from ..core.factories import user_with_role


@pytest.fixture
def demo_accounts(mini_world):
    anct = user_with_role(Role.NATIONAL)
    anct.username = "demo-anct"
    anct.save()
    prefecture = user_with_role(Role.DEPARTEMENT_REVIEWER, departement_code="01")
    prefecture.username = "demo-prefecture"
    prefecture.save()
    sgar = user_with_role(Role.REGION_REVIEWER, region_code="84")
    sgar.username = "demo-sgar"
    sgar.save()
    # more territories than the rotation of states, so that every state appears
    phase = Territory.objects.get(code="ti-8401", phase__slug=demo.PHASE).phase
    Territory.objects.bulk_create(
        Territory(phase=phase, code=f"ti-84{n:02d}", name=f"Démo {n}", region_code="84") for n in range(10, 16)
    )


def test_the_demo_campaign_has_files_in_every_state_and_opinions(demo_accounts):
    assert demo.seed(log=lambda *_: None) == 8
    campaign = Campaign.objects.get()
    assert campaign.is_demo and campaign.name.startswith("[Démo]")
    assert set(TerritoryFile.objects.values_list("state", flat=True)) == set(FileState.values)
    assert Opinion.objects.exists()


def test_the_demo_is_idempotent(demo_accounts):
    demo.seed(log=lambda *_: None)
    assert demo.seed(log=lambda *_: None) == 0
    assert Campaign.objects.count() == 1


def test_the_demo_needs_its_accounts(mini_world):
    with pytest.raises(RuntimeError, match="demo-anct"):
        demo.seed(log=lambda *_: None)
