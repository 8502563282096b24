"""The indicators' real files through bootstrap: counts as the files publish them, values read back."""

import pytest
from django.db.models import Sum

from pilote.targeting import catalogue
from pilote.targeting.models import Dataset, SourceValue, Zone, ZoneCommune

pytestmark = pytest.mark.realdata


def _values(indicator: str, vintage: str):
    return SourceValue.objects.filter(indicator__code=indicator, vintage=vintage)


def test_the_zoning_holds_every_zone_and_commune_of_the_workbook(db):
    assert Zone.objects.filter(zoning="ZE2020").count() == 306
    members = ZoneCommune.objects.filter(zoning="ZE2020", geography_year=2023)
    assert members.count() == 34945
    assert members.exclude(zone_part_code="").count() == 1687
    assert members.get(commune_code="01016").zone_part_code == "8459"  # « 0059-84 » in the file


def test_every_quarter_of_every_zone_and_regional_part_is_read(db):
    dataset = Dataset.objects.get(source="insee-chomage-ze")
    assert (dataset.vintages[0], dataset.vintages[-1], len(dataset.vintages)) == ("2003-T1", "2023-T3", 83)
    last = dict(_values(catalogue.UNEMPLOYMENT, "2023-T3").values_list("code", "value"))
    assert len(last) == 302 + 28
    assert (last["0051"], last["9404"], last["2456"] > 0) == (6.5, 5.9, True)
    zones = set(Zone.objects.values_list("code", flat=True))
    assert {code for code in last if code[:2] == "00"} <= zones  # interregional zones are zones of the zoning
    assert _values(catalogue.UNEMPLOYMENT, "2013-T4").filter(code="0101").count() == 0  # DROM from 2014 only


def test_poverty_rates_cover_the_published_communes_only(db):
    assert _values(catalogue.POVERTY, "2019").count() == 4368
    assert Dataset.objects.get(source="insee-filosofi-2019").geography_year == 2020


def test_population_series_of_each_vintage_sum_to_the_editions_totals(db):
    vintages = set(SourceValue.objects.filter(indicator__code=catalogue.POPULATION).values_list("vintage", flat=True))
    assert vintages == {"2016", "2019", "2020", "2021", "2022"}
    assert _values(catalogue.POPULATION, "2022").aggregate(total=Sum("value"))["total"] == 68_952_941


def test_brownfields_count_the_verified_sites_only(db):
    sites = _values(catalogue.BROWNFIELDS, "2024-03")
    assert sites.aggregate(total=Sum("value"))["total"] == 7389 + 3425
    assert sites.count() == 4685
