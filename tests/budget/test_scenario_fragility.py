"""The scenario rule « selon l'indice de fragilité »: each territory active in the year weighs
1 + (s − s_min) / (s_max − s_min) in the latest scoring of the scenario's method version; a région weighs the sum.

Tiny France, phase 2023-2027 in 2024: ti-8401 (région 84), ti-2701 (région 27), and ti-2702 added in région 27.
Scores 10, 30, 20 → weights 1, 2, 1.5 → région 84 weighs 1, région 27 weighs 3.5 (of 4.5)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.budget.enums import ScenarioRule
from pilote.budget.models import Scenario
from pilote.budget.scenarios import RESERVE, allocation, fragility_weights, index_effect
from pilote.core.models import AuditEvent
from tests.targeting.shocks import method_version, scoring

from .test_scenario_pages import form_data, money, text
from .test_scenarios import INV, M, add_territory, line, make_scenario

INDEX = ScenarioRule.PER_FRAGILITY_INDEX


@pytest.fixture
def version(mini_world):
    add_territory("ti-2702", "27")
    version = method_version()
    scoring(version, {"ti-8401": 90, "ti-2701": 0, "ti-2702": 0})  # an older scoring: not read
    scoring(version, {"ti-8401": 10, "ti-2701": 30, "ti-2702": 20})
    return version


def index_scenario(version, name="Indice", reserve=0):
    scenario = make_scenario(name=name, lines={INV: line("100", INDEX, reserve)})
    Scenario.objects.filter(pk=scenario.pk).update(fragility_method=version)
    return Scenario.objects.with_lines().get(pk=scenario.pk)


def test_weights_run_from_one_to_two_linearly():
    assert fragility_weights([10, 30, 20, None]) == [1, 2, Fraction(3, 2), 1]
    assert fragility_weights([-1.5, 0.5]) == [1, 2]  # standardised scores: the same shape
    assert fragility_weights([4, 4]) == [1, 1]


def test_amount_split_by_the_latest_scores_of_the_chosen_version(version):
    result = allocation(index_scenario(version))
    # 100 M€ × 1/4.5 and × 3.5/4.5, rounded to the euro with an exact total
    assert result.cell("84", INV) == Decimal(22_222_222)
    assert result.cell("27", INV) == Decimal(77_777_778)
    assert result.cell(RESERVE, INV) == 0
    assert result.notes == []


def test_reserve_is_kept_and_the_rest_split_by_the_index(version):
    result = allocation(index_scenario(version, reserve=10))
    assert result.cell(RESERVE, INV) == Decimal(10 * M)
    assert result.cell("84", INV) == Decimal(20 * M)  # 90 M€ × 1/4.5
    assert result.cell("27", INV) == Decimal(70 * M)


def test_a_territory_without_score_counts_as_the_least_fragile_and_is_said(mini_world):
    add_territory("ti-2702", "27")
    version = method_version()
    scoring(version, {"ti-8401": 10, "ti-2701": 30})
    result = allocation(index_scenario(version))
    assert result.cell("84", INV) == Decimal(25 * M)  # weights 1 | 2 + 1
    assert result.notes == [
        "« Investissements productifs » : 1 territoire(s) sans score dans la version de l'indice choisie, comptés "
        "comme les moins fragiles (poids 1)."
    ]


def test_what_the_index_changes_against_the_other_rules(version):
    effect = index_effect(allocation(index_scenario(version)))
    rows = {row["code"]: row for row in effect["rows"]}
    # per territory: 1 of 3 territories in 84; population: 1 560 in 84, 610 + 0 in 27 (ti-2702 has no resolution)
    assert rows["84"]["index"] == Decimal(22_222_222)
    assert rows["84"]["pairs"][0] == (Decimal(33_333_333), Decimal(22_222_222 - 33_333_333))
    assert rows["27"]["pairs"][0] == (Decimal(66_666_667), Decimal(77_777_778 - 66_666_667))
    assert rows["84"]["pairs"][1][0] == Decimal(71_889_401)  # 100 M€ × 1 560 / 2 170


def test_form_requires_the_version_when_a_line_uses_the_index(client, national, version):
    data = form_data(**{f"{INV}-rule": INDEX})
    response = client.post(reverse("budget:scenario_create"), data)
    assert response.status_code == 400
    assert "Choisissez la version de l'indice de fragilité" in text(response)
    assert not Scenario.objects.exists()
    response = client.post(reverse("budget:scenario_create"), data | {"fragility_method": version.pk})
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and scenario.fragility_method == version
    event = AuditEvent.objects.get(action="budget.scenario_create")
    assert event.changes["fragility_method"] == [None, "Indice de fragilité — version 1"]


def test_form_refuses_a_version_without_scores(client, national, mini_world):
    bare = method_version(number=2)
    response = client.post(reverse("budget:scenario_create"), form_data(fragility_method=bare.pk))
    assert response.status_code == 400
    assert not Scenario.objects.exists()


def test_detail_shows_the_new_amounts_and_what_they_change(client, national, version):
    scenario = index_scenario(version)
    body = text(client.get(reverse("budget:scenario", args=[scenario.pk])))
    assert "Ce que change l'indice de fragilité" in body
    assert money(22_222_222) in body and money(77_777_778) in body
    assert "-" + money(11_111_111) in body  # 84 loses against the equal share per territory


def test_detail_queries_do_not_grow_with_territories(client, national, version):
    scenario = index_scenario(version)
    url = reverse("budget:scenario", args=[scenario.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3, 12):
        add_territory(f"ti-27{n:02d}", "27")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more.captured_queries) == len(few.captured_queries)


def test_compare_with_a_scenario_per_territory(client, national, version):
    indexed = index_scenario(version)
    equal = make_scenario(name="Égalité", lines={INV: line("100")})
    body = text(client.get(reverse("budget:scenario_compare") + f"?s={equal.pk}&s={indexed.pk}"))
    assert money(77_777_778) in body and "+" + money(11_111_111) in body
