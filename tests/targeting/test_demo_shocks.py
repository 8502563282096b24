"""The demo of the shocks on the tests' tiny France: industrial events declared by the demo préfecture in the Ain,
a designation made from them and one from an open alert, evidence attached; a second run writes nothing."""

import pytest

from pilote.budget import demo_evidence
from pilote.budget.models import ShockDesignation
from pilote.core import registry
from pilote.shell import demo as shell_demo
from pilote.targeting import demo
from pilote.targeting.enums import AlertStatus
from pilote.targeting.models import IndustrialEvent
from tests.targeting.shocks import alert


@pytest.fixture
def seeded(mini_world, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr(registry, "demo_seeds", list)
    shell_demo.seed(log=lambda message: None)
    found = alert(code="ti-8401")
    events = demo.seed(log=lambda message: None)
    designations = demo_evidence.seed(log=lambda message: None)
    return events, designations, found


def test_events_declared_in_the_prefecture_scope_then_designations_with_evidence(seeded):
    events, designations, found = seeded
    assert events == 3  # the Ain's three communes of 2026; the région has no other département here
    assert set(IndustrialEvent.objects.values_list("departement_code", "is_demo")) == {("01", True)}
    assert designations == 2
    from_events, from_alert = ShockDesignation.objects.order_by("pk")
    assert from_events.territory.code == "ti-8401" and from_events.events.count() == 3
    assert len(from_events.evidence["events"]) == 3 and from_events.is_demo
    assert from_alert.alert == found and from_alert.evidence["alert"]["code"] == "ti-8401"
    found.refresh_from_db()
    assert found.status == AlertStatus.DESIGNATED


def test_a_second_run_writes_nothing(seeded):
    counts = IndustrialEvent.objects.count(), ShockDesignation.objects.count()
    assert demo.seed(log=lambda message: None) == 0
    assert demo_evidence.seed(log=lambda message: None) == 0
    assert (IndustrialEvent.objects.count(), ShockDesignation.objects.count()) == counts
