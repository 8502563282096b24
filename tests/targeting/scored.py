"""A scored tiny France for the pages' tests: indicators, one computation on 2026 with the territories of phase
2023-2027, the three EPCI, their régions and France, a published method version, its scoring, scores and alerts.

Built through the models' fields directly (the importers and the index computation have their own tests)."""

from pilote.geography.models import Edition
from pilote.targeting import index
from pilote.targeting.enums import AlertKind, Direction, Level
from pilote.targeting.models import (
    Alert,
    Computation,
    Indicator,
    Method,
    MethodVersion,
    MethodWeight,
    Score,
    Scoring,
    UnitValue,
)

PHASE = "2023-2027"
QUARTERS = ["2022-T4", "2023-T1", "2023-T2", "2023-T3"]


def indicators() -> dict[str, Indicator]:
    rows = {
        "chomage": ("Taux de chômage localisé", "%", "INSEE, taux de chômage localisé", Direction.HIGHER_IS_WORSE),
        "pauvrete": ("Taux de pauvreté", "%", "INSEE, Filosofi 2019", Direction.HIGHER_IS_WORSE),
        "population_evol_5a": ("Évolution de la population", "%", "INSEE, recensement", Direction.HIGHER_IS_BETTER),
    }
    return {
        code: Indicator.objects.get_or_create(
            code=code,
            defaults=dict(
                label=label,
                unit=unit,
                source=source,
                direction=direction,
                published_on=Level.COMMUNE,
                aggregation="weighted_mean",
                order=i,
                description=f"Ce que mesure « {label} ».",
            ),
        )[0]
        for i, (code, (label, unit, source, direction)) in enumerate(rows.items())
    }


def method_version(
    number: int = 1, weights=(("chomage", 2.0), ("pauvrete", 1.0)), *, thresholds: dict | None = None
) -> MethodVersion:
    method, _ = Method.objects.get_or_create(slug="indice-fragilite", defaults={"name": "Indice de fragilité"})
    version = MethodVersion.objects.create(
        method=method,
        number=number,
        thresholds={"hausse du chômage (points sur 4 trimestres)": 1.0, **(thresholds or {})},
        notes=f"Version {number} de test",
    )
    catalogue = indicators()
    for code, weight in weights:
        MethodWeight.objects.create(version=version, indicator=catalogue[code], weight=weight)
    index.publish(version)  # weights are set while a draft: a published version never changes
    return version


def computation() -> Computation:
    found = Computation.objects.first()
    if found:
        return found
    computed = Computation.objects.create(edition=Edition.objects.get(year=2026), vintages={"chomage": "2023-T3"})
    catalogue = indicators()
    chomage, pauvrete = catalogue["chomage"], catalogue["pauvrete"]
    series = {  # (level, phase, code): unemployment by quarter
        (Level.TERRITORY, PHASE, "ti-8401"): [7.0, 7.2, 7.5, 8.1],
        (Level.TERRITORY, PHASE, "ti-2701"): [6.0, 6.1, 5.9, 5.8],
        (Level.EPCI, "", "200000001"): [8.0, 8.2, 8.6, 9.4],
        (Level.EPCI, "", "200000002"): [6.5, 6.4, 6.6, 6.7],
        (Level.EPCI, "", "200000003"): [5.0, 5.1, 5.0, 4.9],
        (Level.REGION, "", "84"): [6.8, 6.9, 7.0, 7.1],
        (Level.REGION, "", "27"): [6.2, 6.3, 6.3, 6.4],
        (Level.FRANCE, "", "FR"): [7.1, 7.1, 7.2, 7.4],
    }
    rows = [
        UnitValue(
            computation=computed,
            indicator=chomage,
            vintage=q,
            level=level,
            phase_slug=phase,
            code=code,
            value=value,
            coverage=1.0,
        )
        for (level, phase, code), values in series.items()
        for q, value in zip(QUARTERS, values, strict=True)
    ]
    poverty = {
        ("ti-8401", PHASE, Level.TERRITORY): (15.5, 0.62),
        ("ti-2701", PHASE, Level.TERRITORY): (11.0, 0.9),
        ("200000001", "", Level.EPCI): (17.0, 0.5),
        ("FR", "", Level.FRANCE): (14.6, 1.0),
    }
    rows += [
        UnitValue(
            computation=computed,
            indicator=pauvrete,
            vintage="2019",
            level=level,
            phase_slug=phase,
            code=code,
            value=value,
            coverage=coverage,
        )
        for (code, phase, level), (value, coverage) in poverty.items()
    ]
    UnitValue.objects.bulk_create(rows)
    return computed


SCORES = {  # (level, phase, code, région): score, national rank, regional rank, interval, contributions
    (Level.TERRITORY, PHASE, "ti-8401", "84"): (71.5, 1, 1, (1, 2), {"chomage": 45.0, "pauvrete": 26.5}),
    (Level.TERRITORY, PHASE, "ti-2701", "27"): (38.0, 2, 1, (1, 2), {"chomage": 20.0, "pauvrete": 18.0}),
    (Level.EPCI, "", "200000001", "84"): (80.0, 1, 1, (1, 1), {"chomage": 50.0, "pauvrete": 30.0}),
    (Level.EPCI, "", "200000002", "84"): (55.0, 2, 2, (2, 3), {"chomage": 40.0, "pauvrete": 15.0}),
    (Level.EPCI, "", "200000003", "27"): (20.0, 3, 1, (2, 3), {"chomage": 12.0, "pauvrete": 8.0}),
}


def scoring(version: MethodVersion | None = None, *, reverse: bool = False) -> Scoring:
    """A scoring of `version` (v1 by default); `reverse` turns the ranks upside down (a method that disagrees)."""
    version = version or method_version()
    scored = Scoring.objects.create(method_version=version, computation=computation(), draws=1000, seed=1)
    counts = {Level.TERRITORY: 2, Level.EPCI: 3}
    Score.objects.bulk_create(
        Score(
            scoring=scored,
            level=level,
            phase_slug=phase,
            code=code,
            region_code=region,
            score=score,
            rank_national=counts[level] + 1 - rank if reverse else rank,
            rank_regional=regional,
            rank_low=low,
            rank_high=high,
            contributions=contributions,
        )
        for (level, phase, code, region), (score, rank, regional, (low, high), contributions) in SCORES.items()
    )
    return scored


def alerts(scored: Scoring) -> list[Alert]:
    return [
        Alert.objects.create(
            scoring=scored,
            level=Level.TERRITORY,
            phase_slug=PHASE,
            code="ti-8401",
            region_code="84",
            kind=AlertKind.UNEMPLOYMENT_RISE,
            period="2023-T3",
            evidence={"unit_change": 1.1, "france_change": 0.3, "threshold": 0.5},
        ),
        Alert.objects.create(
            scoring=scored,
            level=Level.EPCI,
            phase_slug="",
            code="200000003",
            region_code="27",
            kind=AlertKind.INDUSTRIAL_EMPLOYMENT_FALL,
            period="2023",
            evidence={"unit_change": -12.0},
        ),
    ]
