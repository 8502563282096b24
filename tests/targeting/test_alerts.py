import pytest

from pilote.targeting import alerts, index
from pilote.targeting import catalogue as k
from pilote.targeting import compute as c
from pilote.targeting.enums import AlertKind, Level
from pilote.targeting.models import Alert

from .conftest import make_version


def scoring_of(version=None):
    return index.score(c.compute(), version or make_version({k.POVERTY: 1.0}))


def test_unemployment_rising_faster_than_france_raises_an_alert(data):
    data.zones()
    data.values(k.POVERTY, "2019", {"01001": 10.0, "39002": 20.0})
    # zone 0003 (CC Gamma, ti-2701) up 2 points in 4 quarters; the others flat
    data.unemployment({"0001": [7.0] * 5, "0002": [7.0] * 5, "0003": [6.0, 6.5, 7.0, 7.5, 8.0]})
    found = alerts.detect(scoring_of())
    keys = [(a.kind, a.level, a.phase_slug, a.code) for a in found]
    # France rose by 2 × 610 / 2170 = 0.56 point: CC Gamma and ti-2701 (both phases) rose 1.44 more, nobody else
    assert keys == [
        (AlertKind.UNEMPLOYMENT_RISE, Level.EPCI, "", "200000003"),
        (AlertKind.UNEMPLOYMENT_RISE, Level.TERRITORY, "2018-2022", "ti-2701"),
        (AlertKind.UNEMPLOYMENT_RISE, Level.TERRITORY, "2023-2027", "ti-2701"),
    ]
    evidence = found[0].evidence
    assert (evidence["depuis"], evidence["jusqu_a"], evidence["evolution_points"]) == ("2022-T3", "2023-T3", 2.0)
    assert evidence["evolution_france_points"] == pytest.approx(0.56, abs=0.01)
    assert found[0].region_code == "27"


def test_the_threshold_comes_from_the_method_version(data):
    data.zones()
    data.values(k.POVERTY, "2019", {"01001": 10.0})
    data.unemployment({"0001": [7.0] * 5, "0002": [7.0] * 5, "0003": [6.0, 6.5, 7.0, 7.5, 8.0]})
    version = make_version({k.POVERTY: 1.0}, thresholds={"unemployment_rise_points": 1.5})
    assert alerts.detect(scoring_of(version)) == []


def test_industrial_jobs_falling_past_the_threshold(data):
    data.values(k.INDUSTRIAL_JOBS, "2023", {"01001": 1000, "01004": 100, "39001": 1000, "39002": 150})
    data.values(k.INDUSTRIAL_JOBS, "2024", {"01001": 900, "01004": 100, "39001": 1000, "39002": 50})
    found = alerts.detect(scoring_of())
    alerted = {(a.level, a.phase_slug, a.code) for a in found if a.kind == AlertKind.INDUSTRIAL_EMPLOYMENT_FALL}
    # CC Alpha: 1000 → 900 (−10 %); CC Gamma falls by 67 % but had fewer than 200 jobs: noise
    assert (Level.EPCI, "", "200000001") in alerted
    assert (Level.EPCI, "", "200000003") not in alerted
    assert (Level.EPCI, "", "200000002") not in alerted
    alpha = next(a for a in found if a.code == "200000001")
    assert alpha.evidence["baisse_pourcent"] == 10.0 and alpha.period == "2024"


def test_detecting_twice_creates_nothing_new(data):
    data.zones()
    data.values(k.POVERTY, "2019", {"01001": 10.0})
    data.unemployment({"0001": [7.0] * 5, "0002": [7.0] * 5, "0003": [6.0, 6.5, 7.0, 7.5, 8.0]})
    scoring = scoring_of()
    first = alerts.detect(scoring)
    assert alerts.detect(scoring) == first
    assert Alert.objects.filter(scoring=scoring).count() == 3
