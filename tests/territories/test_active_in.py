"""The one rule of "a territory of year Y" (ADR 0005): its phase covers Y and it was in the programme on 1 January Y.
The Python method and the SQL queryset must say the same thing at every boundary."""

import datetime

import pytest

from pilote.territories.models import Territory

D = datetime.date


def _withdrawn(on):
    territory = Territory.objects.get(phase__slug="2023-2027", code="ti-8401")
    territory.withdrawn_on = on
    territory.save(update_fields=["withdrawn_on"])
    return Territory.objects.select_related("phase").get(pk=territory.pk)


def _both(territory, year) -> bool:
    in_sql = Territory.objects.active_in(year).filter(pk=territory.pk).exists()
    assert in_sql == territory.is_active_in(year), f"SQL and Python disagree for {year}"
    return in_sql


@pytest.mark.parametrize(
    ("withdrawn_on", "active_2024", "active_2025"),
    [
        (None, True, True),
        (D(2024, 1, 1), False, False),  # out on the year's first day: never in 2024
        (D(2024, 1, 2), True, False),  # in on 1 January: the whole year counts
        (D(2024, 6, 15), True, False),  # the case: mid-year, both allocation and commitments count it
        (D(2024, 12, 31), True, False),
        (D(2025, 1, 1), True, False),  # out on 1 January 2025: in for 2024 only
    ],
)
def test_withdrawal_boundaries(mini_world, withdrawn_on, active_2024, active_2025):
    territory = _withdrawn(withdrawn_on)
    assert _both(territory, 2024) is active_2024
    assert _both(territory, 2025) is active_2025


@pytest.mark.parametrize(("year", "active"), [(2022, False), (2023, True), (2027, True), (2028, False)])
def test_the_phase_years_bound_it(mini_world, year, active):
    assert _both(_withdrawn(None), year) is active


def test_several_years_give_territories_active_in_any_of_them(mini_world):
    territory = _withdrawn(D(2024, 6, 15))
    assert not Territory.objects.active_in(2025, 2026).filter(pk=territory.pk).exists()
    assert Territory.objects.active_in(2024, 2025).filter(pk=territory.pk).exists()
    assert not Territory.objects.active_in().exists()
