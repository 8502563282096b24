"""The demo campaign: every state, some opinions, clearly labelled, idempotent."""

import pytest

from pilote.campaigns import demo
from pilote.campaigns.enums import FileState
from pilote.campaigns.models import Campaign, Opinion, TerritoryFile
from pilote.core.enums import OrganisationKind, Role
from pilote.territories.models import Territory

from ..core.factories import OrganisationFactory, user_with_role


def _account(username: str, role: Role, kind: OrganisationKind, **scope):
    user = user_with_role(role, **scope)
    user.username = username
    user.organisation = OrganisationFactory(kind=kind, name=f"{username} (démo)", **scope)
    user.save()
    return user


@pytest.fixture
def demo_accounts(mini_world):
    anct = user_with_role(Role.NATIONAL)
    anct.username = "demo-anct"
    anct.save()
    _account(
        "demo-prefecture", Role.DEPARTEMENT_REVIEWER, OrganisationKind.PREFECTURE_DEPARTEMENT, departement_code="01"
    )
    _account("demo-sgar", Role.REGION_REVIEWER, OrganisationKind.PREFECTURE_REGION, region_code="84")
    _account("demo-region", Role.REGION_REVIEWER, OrganisationKind.CONSEIL_REGIONAL, region_code="84")
    _account("demo-dreets", Role.REGION_REVIEWER, OrganisationKind.DREETS, region_code="84")
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


def test_the_demo_sgar_conseil_regional_and_dreets_each_answer_as_their_organisation(demo_accounts):
    demo.seed(log=lambda *_: None)
    authors = {
        (o.author.username, o.request.organisation.kind)
        for o in Opinion.objects.select_related("author", "request__organisation")
    }
    # (the only file touching the Ain, ti-8401, is « déposé » in the rotation: no préfecture is asked yet)
    assert authors == {
        ("demo-sgar", OrganisationKind.PREFECTURE_REGION),
        ("demo-region", OrganisationKind.CONSEIL_REGIONAL),
        ("demo-dreets", OrganisationKind.DREETS),
    }


def test_the_demo_is_idempotent(demo_accounts):
    demo.seed(log=lambda *_: None)
    assert demo.seed(log=lambda *_: None) == 0
    assert Campaign.objects.count() == 1


def test_the_demo_needs_its_accounts(mini_world):
    with pytest.raises(RuntimeError, match="demo-anct"):
        demo.seed(log=lambda *_: None)
