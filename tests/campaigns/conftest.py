import datetime

import pytest
from django.utils import timezone

from pilote.campaigns.services import campaign_open
from pilote.core.enums import OrganisationKind, Role
from pilote.territories.models import Phase, Territory

from ..core.factories import OrganisationFactory, UserFactory, user_with_role

PHASE = "2023-2027"


def _person(role: Role, **scope):
    user = user_with_role(role, **scope)
    user.save()  # keep the hashed password in the database, so that force_login's session stays valid
    return user


@pytest.fixture
def people(mini_world):
    """One person per role. ti-8401 (phase 2) touches départements 01 and 39, régions 84 and 27; ti-2701 is in 39/27."""
    operator_org = OrganisationFactory(kind=OrganisationKind.OPERATOR, operator="bpifrance", name="Bpifrance")
    operator = _person(Role.OPERATOR)
    operator.organisation = operator_org
    operator.save()
    return {
        "anct": _person(Role.NATIONAL),
        "team": _person(Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401"),
        "other_team": _person(Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-2701"),
        "dep01": _person(Role.DEPARTEMENT_REVIEWER, departement_code="01"),
        "dep39": _person(Role.DEPARTEMENT_REVIEWER, departement_code="39"),
        "region84": _person(Role.REGION_REVIEWER, region_code="84"),
        "region27": _person(Role.REGION_REVIEWER, region_code="27"),
        "operator": operator,
        "nobody": _saved(UserFactory()),
    }


def _saved(user):
    user.save()
    return user


def territory(code: str) -> Territory:
    return Territory.objects.get(phase__slug=PHASE, code=code)


@pytest.fixture
def campaign(people):
    today = timezone.localdate()
    return campaign_open(
        name="Mise à jour 2025",
        phase=Phase.objects.get(slug=PHASE),
        territories=[territory("ti-8401"), territory("ti-2701")],
        submission_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=20),
        actor=people["anct"],
    )


@pytest.fixture
def file(campaign):
    return campaign.files.get(territory__code="ti-8401")


@pytest.fixture
def other_file(campaign):
    return campaign.files.get(territory__code="ti-2701")


def fresh(file):
    return type(file).objects.select_related("campaign", "territory__phase").get(pk=file.pk)
