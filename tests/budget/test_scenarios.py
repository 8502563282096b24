"""Allocation scenarios: every rule of the split (per territory, per population, per fragility, fixed amounts, national
reserve), exact totals to the euro, comparison, and the application as envelopes (all or nothing).

The tiny France (tests/world.py): phase 2023-2027 has ti-8401 « Ain industriel » attached to région 84 (population 1 560
on edition 2026) and ti-2701 « Nouveau Jura » attached to région 27 (population 610)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError

from pilote.budget.enums import ActionType, EnvelopeLevel, ScenarioRule
from pilote.budget.models import (
    Commitment,
    Envelope,
    RuleBroken,
    Scenario,
    ScenarioFixedAmount,
    ScenarioLine,
    ShockDesignation,
)
from pilote.budget.scenarios import RESERVE, allocation, compare, scenario_apply, split
from pilote.core.models import AuditEvent
from pilote.core.versioning import EditConflict
from pilote.territories.models import Phase, Territory

from .factories import anct, budget_year, territory

PL, INV, REB, SK = ActionType.PROJECT_LEADS, ActionType.INVESTMENTS, ActionType.REBOND, ActionType.SKILLS
M = 1_000_000


def line(share, rule=ScenarioRule.PER_TERRITORY, reserve=0, fixed=None):
    """A line's spec: `share` is a percentage (str, "25") or an amount in euros (int)."""
    return {"share": share, "rule": rule, "reserve": reserve, "fixed": fixed or {}}


def make_scenario(year=2024, name="Scénario", *, ae=100 * M, cp=None, lines=None, actor=None) -> Scenario:
    """A scenario saved as the form saves it; `lines`: action type → line(...). Read back with its lines."""
    scenario = Scenario.objects.create(
        year=year, name=name, ae_total=Decimal(ae), cp_total=Decimal(ae if cp is None else cp), created_by=actor
    )
    for action_type, spec in (lines or {}).items():
        share = spec["share"]
        saved = ScenarioLine.objects.create(
            scenario=scenario,
            action_type=action_type,
            share_percent=Decimal(share) if isinstance(share, str) else None,
            share_amount=Decimal(share) if isinstance(share, int) else None,
            rule=spec["rule"],
            reserve_percent=Decimal(spec["reserve"]),
        )
        for code, amount in spec["fixed"].items():
            ScenarioFixedAmount.objects.create(line=saved, region_code=code, amount=Decimal(amount))
    return Scenario.objects.with_lines().get(pk=scenario.pk)


def four_lines(rule=ScenarioRule.PER_TERRITORY, reserve=0):
    return {t: line("25", rule, reserve) for t in ActionType.values}


def add_territory(code, region, *, withdrawn_on=None, phase="2023-2027"):
    return Territory.objects.create(
        phase=Phase.objects.get(slug=phase),
        code=code,
        name=f"Territoire {code}",
        region_code=region,
        withdrawn_on=withdrawn_on,
    )


def designate(code, decided_on, ended_on=None):
    return ShockDesignation.objects.create(
        territory=territory(code), decided_on=decided_on, ended_on=ended_on, decision="Comité", decided_by=anct()
    )


def column(result, action_type, measure="ae"):
    return {code: result.cell(code, action_type, measure) for code in [*result.regions, RESERVE]}


# --- the largest-remainder split ----------------------------------------------------------------------------------


def test_split_rounds_to_the_euro_and_keeps_the_total_exact():
    assert split(Decimal(100), [1, 1, 1]) == [34, 33, 33]
    assert split(Decimal(10), [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]) == [5, 3, 2]
    shares = split(Decimal(1_000_001), [7, 11, 13, 17])
    assert sum(shares) == 1_000_001


def test_split_gives_the_extra_euros_to_the_largest_remainders():
    # 100 × (0.114, 0.886) = 11.4 / 88.6: the second has the largest remainder.
    assert split(Decimal(100), [Decimal("0.114"), Decimal("0.886")]) == [11, 89]


def test_split_with_nothing_to_weigh_puts_everything_on_the_last_slot():
    assert split(Decimal(500), [0, 0, 0]) == [0, 0, 500]


# --- the rules ----------------------------------------------------------------------------------------------------


def test_per_territory_gives_each_region_an_equal_part_per_territory(mini_world):
    add_territory("ti-8402", "84")
    result = allocation(make_scenario(lines={INV: line("10")}))
    # 10 M€ for 3 territories: 2 in région 84, 1 in région 27; the odd euro goes to the largest remainder.
    assert column(result, INV) == {"84": Decimal(6_666_667), "27": Decimal(3_333_333), RESERVE: 0}


def test_withdrawn_territories_and_those_of_another_phase_do_not_count(mini_world):
    # Out from 1 January 2024 (ADR 0005): it does not count for 2024.
    add_territory("ti-8402", "84", withdrawn_on=date(2024, 1, 1))
    add_territory("ti-8403", "84", phase="2018-2022")
    for_2024 = allocation(make_scenario(2024, lines={INV: line("10")}))
    assert column(for_2024, INV) == {"84": 5 * M, "27": 5 * M, RESERVE: 0}
    # In the programme on 1 January 2023: it counts for 2023.
    for_2023 = allocation(make_scenario(2023, lines={INV: line("9")}))
    assert column(for_2023, INV) == {"84": 6 * M, "27": 3 * M, RESERVE: 0}


def test_per_population_follows_the_population_of_the_territories(mini_world):
    result = allocation(make_scenario(lines={INV: line("21.7", ScenarioRule.PER_POPULATION)}))
    # 21.7 M€ shared 1 560 / 610 (2 170 inhabitants).
    assert column(result, INV) == {"84": Decimal(15_600_000), "27": Decimal(6_100_000), RESERVE: 0}


def test_per_fragility_counts_only_territories_designated_in_the_year(mini_world):
    designate("ti-2701", date(2024, 3, 1))
    designate("ti-8401", date(2022, 1, 1), ended_on=date(2023, 12, 31))  # over before 2024
    result = allocation(make_scenario(lines={REB: line("20", ScenarioRule.PER_FRAGILITY)}))
    assert column(result, REB) == {"84": 0, "27": 20 * M, RESERVE: 0}
    earlier = allocation(make_scenario(2023, lines={REB: line("20", ScenarioRule.PER_FRAGILITY)}))
    assert column(earlier, REB) == {"84": 20 * M, "27": 0, RESERVE: 0}


def test_per_fragility_without_any_designation_keeps_the_share_in_national_reserve(mini_world):
    result = allocation(make_scenario(lines={REB: line("20", ScenarioRule.PER_FRAGILITY)}))
    assert column(result, REB) == {"84": 0, "27": 0, RESERVE: 20 * M}
    assert "aucune région ne compte" in result.notes[0]


def test_fixed_amounts_go_to_their_regions_and_the_rest_stays_in_reserve(mini_world):
    result = allocation(
        make_scenario(lines={SK: line(5 * M, ScenarioRule.FIXED, fixed={"84": 3 * M, "27": 1_500_000})})
    )
    assert column(result, SK) == {"84": 3 * M, "27": 1_500_000, RESERVE: 500_000}


def test_fixed_amounts_beyond_the_line_less_its_reserve_are_refused(mini_world):
    scenario = make_scenario(lines={SK: line(5 * M, ScenarioRule.FIXED, reserve=20, fixed={"84": 4_500_000})})
    with pytest.raises(RuleBroken, match="au-delà des 4\u202f000\u202f000 € à répartir"):
        allocation(scenario)


def test_national_reserve_is_kept_out_of_the_regions(mini_world):
    result = allocation(make_scenario(lines={PL: line("10", reserve="15")}))
    assert column(result, PL) == {"84": 4_250_000, "27": 4_250_000, RESERVE: 1_500_000}


def test_shares_in_percent_and_in_euros_leave_the_rest_unallocated(mini_world):
    result = allocation(make_scenario(lines={PL: line("30"), INV: line(45 * M), REB: line("0"), SK: line(5 * M)}))
    assert result.lines["ae"] == {PL: 30 * M, INV: 45 * M, REB: 0, SK: 5 * M}
    assert result.unallocated["ae"] == 20 * M


def test_shares_beyond_the_total_are_refused(mini_world):
    with pytest.raises(RuleBroken, match="au-delà du total"):
        allocation(make_scenario(lines={PL: line("60"), INV: line(41 * M)}))


def test_totals_are_exact_to_the_euro_in_ae_and_in_cp(mini_world):
    add_territory("ti-8402", "84")
    add_territory("ti-2702", "27")
    designate("ti-8401", date(2024, 1, 1))
    lines = {
        PL: line("33.33", reserve="7"),
        INV: line("33.33", ScenarioRule.PER_POPULATION, reserve="3"),
        REB: line(13_333_333, ScenarioRule.PER_FRAGILITY),
        SK: line("11.11", ScenarioRule.FIXED, fixed={"84": 1_234_567, "27": 7_654_321}),
    }
    result = allocation(make_scenario(ae=100_000_001, cp=33_333_337, lines=lines))
    for measure, total in (("ae", 100_000_001), ("cp", 33_333_337)):
        for action_type in ActionType.values:
            assert sum(column(result, action_type, measure).values()) == result.lines[measure][action_type]
            assert all(value == value.to_integral_value() for value in column(result, action_type, measure).values())
        assert sum(result.lines[measure].values()) + result.unallocated[measure] == total
        table = result.table(measure)
        assert sum(row["total"] for row in table["regions"]) + table["reserve"]["total"] == table["allocated"]
    # Fixed amounts are AE: exact in AE, in proportion in CP.
    assert result.cell("84", SK) == 1_234_567


def test_cp_follow_the_proportions_of_the_ae(mini_world):
    result = allocation(make_scenario(ae=100 * M, cp=40 * M, lines={INV: line("50"), SK: line(10 * M)}))
    assert result.lines["cp"] == {PL: 0, INV: 20 * M, REB: 0, SK: 4 * M}
    assert result.cell("84", INV, "cp") == 10 * M


def test_database_refuses_a_line_with_two_shares(mini_world):
    scenario = make_scenario()
    with pytest.raises(IntegrityError):
        ScenarioLine.objects.create(
            scenario=scenario, action_type=PL, share_percent=10, share_amount=1, rule=ScenarioRule.PER_TERRITORY
        )


def test_database_refuses_a_reserve_above_one_hundred_percent(mini_world):
    scenario = make_scenario()
    with pytest.raises(IntegrityError):
        ScenarioLine.objects.create(
            scenario=scenario, action_type=PL, share_percent=10, rule=ScenarioRule.PER_TERRITORY, reserve_percent=101
        )


# --- comparison ---------------------------------------------------------------------------------------------------


def test_compare_puts_scenarios_side_by_side_with_their_differences(mini_world):
    equal = make_scenario(name="Égalité", lines={INV: line("50")})
    population = make_scenario(name="Population", lines={INV: line("50", ScenarioRule.PER_POPULATION, reserve="10")})
    comparison = compare([equal, population])
    rows = {row["label"]: row for row in comparison.by_region}
    assert rows["Auvergne-Rhône-Alpes"]["values"] == [25 * M, Decimal(32_350_230)]
    assert rows["Auvergne-Rhône-Alpes"]["differences"] == [Decimal(7_350_230)]
    assert rows["Réserve nationale (non déléguée)"]["values"] == [0, 5 * M]
    assert rows["Total"]["values"] == [100 * M, 100 * M]
    by_type = {row["label"]: row["values"] for row in comparison.by_action_type}
    assert by_type["Investissements productifs"] == [50 * M, 50 * M]
    assert '"Égalité (2024)"' in comparison.region_chart["name"]


# --- application --------------------------------------------------------------------------------------------------


def envelope(year, action_type="", region=""):
    level = EnvelopeLevel.REGION if region else (EnvelopeLevel.NATIONAL if action_type else EnvelopeLevel.PROGRAMME)
    return Envelope.objects.get(year=year, level=level, action_type=action_type, region_code=region)


def test_apply_opens_the_year_and_creates_national_and_regional_envelopes(mini_world):
    actor = anct()
    scenario = make_scenario(
        ae=100 * M, cp=80 * M, lines={**four_lines(reserve="10"), REB: line("25", ScenarioRule.PER_FRAGILITY)}
    )
    scenario_apply(scenario=scenario, actor=actor)
    programme = envelope(2024)
    assert (programme.ae_amount, programme.cp_amount, programme.ae_used) == (100 * M, 80 * M, 100 * M)
    national = envelope(2024, INV)
    assert (national.ae_amount, national.cp_amount, national.ae_used) == (25 * M, 20 * M, 22_500_000)
    assert (envelope(2024, INV, "84").ae_amount, envelope(2024, INV, "84").cp_amount) == (11_250_000, 9 * M)
    # Nobody designated: Rebond stays national, no regional envelope of zero is created.
    assert envelope(2024, REB).ae_used == 0
    assert not Envelope.objects.filter(year=2024, action_type=REB, level=EnvelopeLevel.REGION).exists()
    scenario.refresh_from_db()
    assert scenario.applied_by == actor and scenario.applied_at is not None
    assert AuditEvent.objects.filter(action="budget.scenario_apply", object_id=str(scenario.pk)).exists()
    assert AuditEvent.objects.filter(action="budget.envelope_delegate").count() == 4 + 6


def test_apply_adjusts_the_envelopes_of_an_open_year(mini_world):
    budget_year(2024)  # 100 M€; 20 M€ per action type; 1 M€ per région
    scenario = make_scenario(lines={PL: line("10"), INV: line("50"), REB: line("0"), SK: line("30")})
    scenario_apply(scenario=scenario, actor=anct())
    assert envelope(2024, INV).ae_amount == 50 * M
    assert envelope(2024, INV, "27").ae_amount == 25 * M
    assert envelope(2024, PL, "84").ae_amount == 5 * M
    assert envelope(2024, REB).ae_amount == 0
    assert envelope(2024, REB, "84").ae_amount == 0  # kept, lowered to nothing
    assert envelope(2024).ae_used == 90 * M


def test_apply_is_refused_as_a_whole_when_an_envelope_would_fall_below_what_it_used(mini_world):
    actor = anct()
    tree = budget_year(2024)
    Commitment.objects.create_for(
        tree.regions[INV, "84"],
        actor=actor,
        territory=territory("ti-8401"),
        amount=Decimal(800_000),
        label="Atelier",
        beneficiary_name="Entreprise",
        commit_on=date(2024, 5, 1),
    )
    before = {e.pk: (e.ae_amount, e.cp_amount, e.ae_used) for e in Envelope.objects.all()}
    events = AuditEvent.objects.count()
    # Investissements: 1 M€ → 500 000 € per région, below the 800 000 € committed in région 84.
    scenario = make_scenario(lines={**four_lines(), INV: line(1 * M)})
    with pytest.raises(RuleBroken, match="n'a pas été appliqué.*ne peut descendre en dessous"):
        scenario_apply(scenario=scenario, actor=actor)
    assert {e.pk: (e.ae_amount, e.cp_amount, e.ae_used) for e in Envelope.objects.all()} == before
    assert AuditEvent.objects.count() == events
    scenario.refresh_from_db()
    assert scenario.applied_at is None


def test_a_scenario_is_applied_only_once(mini_world):
    scenario = make_scenario(lines=four_lines())
    scenario_apply(scenario=scenario, actor=anct())
    with pytest.raises(RuleBroken, match="déjà été appliqué"):
        scenario_apply(scenario=scenario, actor=anct())


def test_apply_refuses_a_confirmation_made_on_an_older_version(mini_world):
    scenario = make_scenario(lines=four_lines())
    Scenario.objects.filter(pk=scenario.pk).update(revision=2)
    with pytest.raises(EditConflict):
        scenario_apply(scenario=scenario, actor=anct(), revision=1)
    assert not Envelope.objects.exists()


def test_a_second_scenario_adjusts_what_the_first_created(mini_world):
    first = make_scenario(name="Premier", lines=four_lines())
    scenario_apply(scenario=first, actor=anct())
    second = make_scenario(name="Second", ae=90 * M, lines={**four_lines(), SK: line("10")})
    scenario_apply(scenario=second, actor=anct())
    assert envelope(2024).ae_amount == 90 * M
    assert envelope(2024, SK).ae_amount == 9 * M
    assert envelope(2024, PL, "27").ae_amount == 11_250_000
