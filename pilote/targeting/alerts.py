"""Shock alerts: what the series of a scoring's computation say, read with its method version's thresholds.

- unemployment rising clearly faster than France's: the quarterly rate up by at least `unemployment_rise_points`
  more than France's over the last `unemployment_quarters` quarters (default: +1.0 point over 4 quarters);
- industrial (salaried) employment falling by more than `industrial_jobs_fall_percent` (`salaried_jobs_fall_percent`)
  over the last year, when URSSAF data is loaded, for units that had at least `min_jobs` jobs a year before.
Defaults are `index.DEFAULT_THRESHOLDS`; a method version may set its own.
"""

from collections import defaultdict

from . import catalogue as k
from . import compute as c
from .enums import AlertKind, Level
from .index import thresholds_of
from .models import Alert, Score, Scoring, UnitValue

WATCHED_LEVELS = (Level.TERRITORY, Level.EPCI)


def detect(scoring: Scoring) -> list[Alert]:
    """The alerts of a scoring, created once (a second call returns the same rows)."""
    thresholds = thresholds_of(scoring.method_version)
    regions = {
        (level, phase, code): region
        for level, phase, code, region in Score.objects.filter(scoring=scoring).values_list(
            "level", "phase_slug", "code", "region_code"
        )
    }
    found = unemployment_rises(scoring, thresholds) + employment_falls(scoring, thresholds)
    alerts = [
        Alert(
            scoring=scoring,
            level=level,
            phase_slug=phase,
            code=code,
            kind=kind,
            period=period,
            evidence=evidence,
            region_code=regions.get((level, phase, code), ""),
        )
        for (level, phase, code), kind, period, evidence in found
    ]
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    return list(Alert.objects.filter(scoring=scoring).order_by("kind", "level", "phase_slug", "code"))


def values_by_unit(scoring: Scoring, indicator_code: str) -> dict[tuple, dict[str, float]]:
    """(level, phase, code) → {vintage: value} for the watched levels and France."""
    rows = UnitValue.objects.filter(
        computation=scoring.computation,
        indicator__code=indicator_code,
        level__in=(*WATCHED_LEVELS, Level.FRANCE),
        value__isnull=False,
    ).values_list("level", "phase_slug", "code", "vintage", "value")
    found = defaultdict(dict)
    for level, phase, code, vintage, value in rows:
        found[level, phase, code][vintage] = value
    return found


def unemployment_rises(scoring: Scoring, thresholds: dict) -> list[tuple]:
    series = values_by_unit(scoring, k.UNEMPLOYMENT)
    france = series.pop((Level.FRANCE, "", c.FRANCE), {})
    if not france:
        return []
    quarters = int(thresholds["unemployment_quarters"])
    last = max(france, key=c.quarter_number)
    before = c.quarter_label(c.quarter_number(last) - quarters)
    if before not in france:
        return []
    france_change = france[last] - france[before]
    limit = float(thresholds["unemployment_rise_points"])
    found = []
    for key, values in sorted(series.items()):
        if last in values and before in values:
            change = values[last] - values[before]
            if change - france_change >= limit:
                evidence = {
                    "indicateur": k.UNEMPLOYMENT,
                    "depuis": before,
                    "jusqu_a": last,
                    "taux_avant": round(values[before], 2),
                    "taux_apres": round(values[last], 2),
                    "evolution_points": round(change, 2),
                    "evolution_france_points": round(france_change, 2),
                    "seuil_points": limit,
                }
                found.append((key, AlertKind.UNEMPLOYMENT_RISE, last, evidence))
    return found


def employment_falls(scoring: Scoring, thresholds: dict) -> list[tuple]:
    found = []
    for code, kind, limit in (
        (k.INDUSTRIAL_JOBS, AlertKind.INDUSTRIAL_EMPLOYMENT_FALL, thresholds["industrial_jobs_fall_percent"]),
        (k.SALARIED_JOBS, AlertKind.SALARIED_EMPLOYMENT_FALL, thresholds["salaried_jobs_fall_percent"]),
    ):
        series = values_by_unit(scoring, code)
        series.pop((Level.FRANCE, "", c.FRANCE), None)
        for key, values in sorted(series.items()):
            fall = yearly_fall(values, float(thresholds["min_jobs"]))
            if fall is not None and fall[2] >= float(limit):
                before, last, percent, jobs_before, jobs_after = fall
                evidence = {
                    "indicateur": code,
                    "depuis": before,
                    "jusqu_a": last,
                    "emplois_avant": round(jobs_before),
                    "emplois_apres": round(jobs_after),
                    "baisse_pourcent": round(percent, 1),
                    "seuil_pourcent": float(limit),
                }
                found.append((key, kind, last, evidence))
    return found


def yearly_fall(values: dict[str, float], min_jobs: float) -> tuple | None:
    """(year before, last year, fall in %, jobs before, jobs after) between the last two consecutive years."""
    years = sorted(values)
    if len(years) < 2 or int(years[-1]) - int(years[-2]) != 1:
        return None
    before, last = years[-2], years[-1]
    if values[before] < min_jobs:
        return None
    return before, last, (1 - values[last] / values[before]) * 100, values[before], values[last]
