import datetime

import pytest
from django.utils import timezone

from pilote.campaigns.services import campaign_open
from pilote.territories.models import Phase, Territory

PHASE = "2023-2027"


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


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …` runs the code as if its transaction committed: the on_commit callbacks run, so the
    e-mail tasks (immediate backend in tests) fill `mail.outbox`. Outside it, nothing is sent."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def asked_of(file, person):
    """The opinion request of `file` addressed to `person`'s organisation."""
    from pilote.campaigns.models import OpinionRequest

    return OpinionRequest.objects.get(file=file, organisation=person.organisation)
