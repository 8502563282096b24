"""Allocation, the commitment rule and the forms offering territories read one rule for "the territories of year Y"
(`Territory.is_active_in`, ADR 0005). Before, a territory withdrawn in June 2024 could receive a 2024 commitment but
counted 0 in the 2024 allocation, and one withdrawn on 1 January 2024 could still be committed in 2024."""

import datetime

import pytest
from django.utils import timezone

from pilote.budget.enums import ActionType, ScenarioRule
from pilote.budget.forms.designations import ShockForm
from pilote.budget.models import Commitment, RuleBroken
from pilote.budget.scenarios import load_weights
from pilote.core.models import AuditEvent
from pilote.territories.models import Territory

from .factories import anct, euros, territory

D = datetime.date


def withdraw(code, on):
    Territory.objects.filter(phase__slug="2023-2027", code=code).update(withdrawn_on=on)
    return territory(code)


def commit(envelope, code="ti-8401"):
    return Commitment.objects.create_for(
        envelope, actor=anct(), territory=territory(code), amount=euros(10), label="Aide", beneficiary_name="E"
    )


def territories_2024() -> int:
    return load_weights({2024})[2024].of(ScenarioRule.PER_TERRITORY)["84"]


def test_a_territory_withdrawn_mid_year_counts_in_the_allocation_and_may_be_committed(tree):
    before = territories_2024()
    mid_year = withdraw("ti-8401", D(2024, 6, 15))
    assert territories_2024() == before
    assert load_weights({2025})[2025].of(ScenarioRule.PER_TERRITORY)["84"] == before - 1
    envelope = tree.regions[ActionType.SKILLS, "84"]
    assert mid_year.pk in envelope.territory_ids()
    assert commit(envelope).territory == mid_year


def test_a_territory_withdrawn_on_the_first_of_january_is_out_of_the_year_everywhere(tree):
    before = territories_2024()
    out = withdraw("ti-8401", D(2024, 1, 1))
    envelope = tree.regions[ActionType.SKILLS, "84"]
    assert territories_2024() == before - 1
    assert out.pk not in envelope.territory_ids()
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(RuleBroken, match="n'est plus dans le programme en 2024"):
        commit(envelope)
    assert not Commitment.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_the_shock_form_offers_the_territories_of_this_year(mini_world):
    today = timezone.localdate()
    later_this_year = withdraw("ti-8401", D(today.year, 12, 31)) if today < D(today.year, 12, 31) else None
    gone = withdraw("ti-2701", D(today.year, 1, 1))
    offered = set(ShockForm().fields["territory"].queryset)
    assert gone not in offered
    if later_this_year is not None:
        assert later_this_year in offered
