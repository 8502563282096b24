import pytest

from pilote.geography.models import Commune, CommuneLineage
from pilote.targeting import catalogue as k
from pilote.targeting import compute as c
from pilote.targeting.enums import Level
from pilote.targeting.models import UnitValue


def value(computation, code, level, unit, phase_slug="", vintage=None):
    rows = UnitValue.objects.filter(
        computation=computation, indicator__code=code, level=level, code=unit, phase_slug=phase_slug
    )
    if vintage:
        rows = rows.filter(vintage=vintage)
    row = rows.order_by("-vintage").first()
    return None if row is None else (row.value, row.coverage)


def test_a_fusion_sums_counts_onto_the_commune_nouvelle(data):
    data.values(
        k.POPULATION, "2020", {"01001": 100, "01002": 200, "01003": 300, "01004": 400, "39001": 500, "39002": 600}
    )
    computation = c.compute()
    assert computation.edition_id == 2026
    assert value(computation, k.POPULATION, Level.EPCI, "200000001") == (600.0, 1.0)
    assert value(computation, k.POPULATION, Level.TERRITORY, "ti-8401", "2023-2027") == (1500.0, 1.0)
    assert value(computation, k.POPULATION, Level.FRANCE, "FR") == (2100.0, 1.0)
    assert computation.report["fusions"] == {"2023": {"01003": "01002"}}


def test_a_fusion_averages_rates_weighted_by_the_source_population(data):
    data.values(k.POVERTY, "2019", {"01002": 10.0, "01003": 20.0})
    computation = c.compute()
    # 01002 (200 inhabitants in 2023) and 01003 (300) make 01002 of 2026: (200 × 10 + 300 × 20) / 500 = 16
    rate, coverage = value(computation, k.POVERTY, Level.EPCI, "200000001")
    assert rate == pytest.approx(16.0)
    # CC Alpha in 2026: 01001 (110, no value) + 01002 (520): the value rests on 520 / 630 of its population
    assert coverage == pytest.approx(520 / 630, abs=1e-4)


def test_a_unit_without_any_value_has_none_and_no_coverage(data):
    data.values(k.POVERTY, "2019", {"01001": 12.0})
    computation = c.compute()
    assert value(computation, k.POVERTY, Level.EPCI, "200000003") == (None, None)
    assert value(computation, k.POVERTY, Level.DEPARTEMENT, "39") == (None, None)


def test_a_defusion_is_reported_and_never_split(data):
    commune = Commune.objects.get(edition_id=2026, code="01004", kind="COM")
    CommuneLineage.objects.create(id=2026_999_999, edition_id=2026, old_code="01999", commune=commune)
    CommuneLineage.objects.create(
        id=2026_999_998,
        edition_id=2026,
        old_code="01999",
        commune=Commune.objects.get(edition_id=2026, code="01001", kind="COM"),
    )
    data.values(k.POPULATION, "2020", {"01999": 1000, "39002": 600})
    computation = c.compute()
    assert computation.report["defusions"] == {"2023": ["01999"]}
    assert value(computation, k.POPULATION, Level.EPCI, "200000002") == (None, None)
    assert value(computation, k.POPULATION, Level.FRANCE, "FR")[0] == 600.0


def test_an_unknown_code_is_reported(data):
    data.values(k.POPULATION, "2020", {"99999": 5, "39002": 600})
    computation = c.compute()
    assert computation.report["unmapped"] == {"2023": ["99999"]}


def test_zone_rates_reach_communes_and_units_weighted_by_population(data):
    data.zones()
    data.unemployment({"0001": [5.0] * 8, "0002": [10.0] * 8, "0003": [7.0] * 8})
    computation = c.compute()
    # CA Beta: 01004 (420) and 39001 (510) both in zone 0002
    assert value(computation, k.UNEMPLOYMENT, Level.EPCI, "200000002", vintage="2023-T3") == (10.0, 1.0)
    # ti-8401 (phase 2): CC Alpha (630 inhabitants at 5 %) + CA Beta (930 at 10 %)
    rate, coverage = value(computation, k.UNEMPLOYMENT, Level.TERRITORY, "ti-8401", "2023-2027", "2023-T3")
    assert rate == pytest.approx((630 * 5 + 930 * 10) / 1560)
    assert value(computation, k.UNEMPLOYMENT, Level.ZONE_EMPLOI, "0003", vintage="2023-T3") == (7.0, 1.0)
    assert computation.report["straddling"] == []


def test_the_rate_of_a_regional_part_is_used_where_the_file_gives_one(data):
    data.zones(parts={"39001": "2702"})  # zone 0002 crosses régions 84 and 27: 39001 lies in its part 2702
    data.unemployment({"0001": [5.0] * 4, "0002": [10.0] * 4, "0003": [7.0] * 4, "2702": [12.0] * 4})
    computation = c.compute()
    rate, _ = value(computation, k.UNEMPLOYMENT, Level.EPCI, "200000002", vintage="2023-T3")
    assert rate == pytest.approx((420 * 10 + 510 * 12) / 930)
    assert value(computation, k.UNEMPLOYMENT, Level.EPCI, "200000003", vintage="2023-T3") == (7.0, 1.0)
    # the zone keeps its published rate, not the mean of its communes
    assert value(computation, k.UNEMPLOYMENT, Level.ZONE_EMPLOI, "0002", vintage="2023-T3") == (10.0, 1.0)


def test_a_commune_whose_parts_lay_in_two_zones_is_reported_and_weighted(data):
    data.zones({**__import__("tests.targeting.conftest", fromlist=["ZONES"]).ZONES, "01003": "0002"})
    data.unemployment({"0001": [5.0] * 4, "0002": [10.0] * 4, "0003": [7.0] * 4})
    computation = c.compute()
    assert computation.report["straddling"] == ["01002"]
    # 01002 of 2026 = 01002 (200, zone 0001 at 5 %) + 01003 (300, zone 0002 at 10 %) = 8 %; no zone unit holds it
    rate, _ = value(computation, k.UNEMPLOYMENT, Level.EPCI, "200000001", vintage="2023-T3")
    assert rate == pytest.approx((110 * 5 + 520 * 8) / 630)
    assert value(computation, k.POPULATION, Level.ZONE_EMPLOI, "0001") is None


def test_unemployment_mean_and_gaps_to_france(data):
    data.zones()
    # 24 quarters: zone 0001 flat at 8 %, zone 0002 rising by 0.1 point a quarter, zone 0003 flat at 6 %
    data.unemployment(
        {
            "0001": [8.0] * 24,
            "0002": [5.0 + 0.1 * i for i in range(24)],
            "0003": [6.0] * 24,
        }
    )
    computation = c.compute()
    mean, _ = value(computation, k.UNEMPLOYMENT_MEAN, Level.EPCI, "200000002")
    assert mean == pytest.approx(5.0 + 0.1 * (20 + 21 + 22 + 23) / 4)
    gap1, _ = value(computation, k.UNEMPLOYMENT_GAP_1Y, Level.EPCI, "200000002")
    share = 930 / 2170  # CA Beta's part of France's population (2026)
    assert gap1 == pytest.approx(0.4 - 0.4 * share)
    gap5, _ = value(computation, k.UNEMPLOYMENT_GAP_5Y, Level.EPCI, "200000003")
    assert gap5 == pytest.approx(0 - 2.0 * share)
    # the stored series: the last 12 quarters
    assert (
        UnitValue.objects.filter(computation=computation, indicator__code=k.UNEMPLOYMENT, level=Level.FRANCE).count()
        == 12
    )


def test_population_change_and_brownfield_density(data):
    base = {"01001": 100, "01002": 200, "01003": 300, "01004": 400, "39001": 500, "39002": 600}
    data.values(k.POPULATION, "2016", {k: v * 2 for k, v in base.items()})
    data.values(k.POPULATION, "2021", base)
    data.values(k.BROWNFIELDS, "2024", {"39002": 3})
    computation = c.compute()
    assert value(computation, k.POPULATION_CHANGE_5Y, Level.FRANCE, "FR") == (-50.0, 1.0)
    assert computation.vintages[k.POPULATION_CHANGE_5Y] == ["2016-2021"]
    # brownfields: a commune absent from the file has none; 3 sites for 600 inhabitants = 50 per 10,000
    assert value(computation, k.BROWNFIELD_DENSITY, Level.EPCI, "200000003") == (50.0, 1.0)
    assert value(computation, k.BROWNFIELD_DENSITY, Level.EPCI, "200000001") == (0.0, 1.0)


def test_inputs_fingerprint_changes_with_the_data(data):
    data.values(k.POVERTY, "2019", {"01001": 12.0})
    computation = c.compute()
    assert c.unchanged() == computation
    data.values(k.POVERTY, "2020", {"01001": 13.0})
    assert c.unchanged() is None
