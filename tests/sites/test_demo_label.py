import pytest
from django.utils import timezone

from pilote.core.enums import OrganisationKind, Role
from pilote.core.models import User
from pilote.sites.dashboard import dashboard
from pilote.sites.demo import slabel
from pilote.sites.enums import LabelState
from pilote.sites.models import LabelOpinionRequest, Site
from tests.conftest import saved_person
from tests.core.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_shows_each_stage_of_the_labelling_once(mini_world):
    """The demo operator belongs to Banque des Territoires, as in pilote/shell/demo.py."""
    for username, role, scope in [
        ("demo-anct", Role.NATIONAL, {}),
        ("demo-equipe", Role.TERRITORY_TEAM, {"phase_slug": "2023-2027", "territory_code": "ti-8401"}),
        ("demo-operateur", Role.OPERATOR, {}),
    ]:
        person = saved_person(role, **scope)
        person.username = username
        person.save()
    bdt = OrganisationFactory(kind=OrganisationKind.OPERATOR, operator="bdt", name="Banque des Territoires (démo)")
    User.objects.filter(username="demo-operateur").update(organisation=bdt)
    assert slabel(log=lambda _: None) == 4
    assert slabel(log=lambda _: None) == 0
    states = dict(Site.objects.filter(identifier__startswith="DEMO-LABEL-").values_list("identifier", "label_state"))
    assert states == {
        "DEMO-LABEL-1": LabelState.PROPOSED,
        "DEMO-LABEL-2": LabelState.IN_REVIEW,
        "DEMO-LABEL-3": LabelState.LABELLED,
        "DEMO-LABEL-4": LabelState.LABELLED,
    }
    assert Site.objects.get(identifier="DEMO-LABEL-1").territories == {"2018-2022": "ti-8401", "2023-2027": "ti-8401"}
    assert LabelOpinionRequest.objects.filter(site__identifier="DEMO-LABEL-2", kind="").count() == 3
    assert dashboard(timezone.localdate()).ready_count == 1
