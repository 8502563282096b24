"""The diagnosis of one unit (a territory of a phase, or an EPCI) in plain words: score, ranks and their interval,
what each indicator contributes, each series against its région and France as a sparkline drawn by the server (SVG,
with a text alternative), sources and vintages. Read from the newest scoring of the default published method
version; a fixed number of queries whatever the number of indicators or vintages."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from pilote.territories.figures import region_names

from .enums import Level
from .models import Indicator, Score, Scoring, UnitValue
from .ranking import default_version, latest_scoring, published_versions

SPARK_WIDTH, SPARK_HEIGHT = 160, 40
BAR_WIDTH = 200
LINES = (  # (key, label, stroke colour, dash): the unit stands out, its région and France are thinner
    ("unit", "l'unité", "#000091", ""),
    ("region", "sa région", "#c9191e", "4 2"),
    ("france", "France", "#3a3a3a", "1 2"),
)


@dataclass
class Sparkline:
    lines: list[dict]  # {"label", "colour", "dash", "points"}
    text: str  # the same series in words (accessible alternative)
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


@dataclass
class IndicatorRow:
    indicator: Indicator
    vintage: str = ""
    value: float | None = None
    coverage: float | None = None
    region_value: float | None = None
    france_value: float | None = None
    contribution: float | None = None
    bar: int = 0  # width in pixels of the contribution bar
    sparkline: Sparkline | None = None


@dataclass
class Diagnosis:
    level: str
    phase_slug: str
    code: str
    scoring: Scoring | None
    score: Score | None = None
    region_name: str = ""
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def version(self):
        return self.scoring.method_version if self.scoring else None


def _french(value: float | None, decimals: int) -> str:
    return "pas de valeur" if value is None else f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def sparkline(series: dict[str, list[tuple[str, float]]], decimals: int) -> Sparkline | None:
    """Polylines of the unit's, its région's and France's series on one scale; None under two vintages."""
    vintages = sorted({v for points in series.values() for v, _ in points})
    values = [value for points in series.values() for _, value in points]
    if len(vintages) < 2 or not values:
        return None
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    x = {v: round(i * SPARK_WIDTH / (len(vintages) - 1), 1) for i, v in enumerate(vintages)}
    lines, words = [], []
    for key, label, colour, dash in LINES:
        points = series.get(key) or []
        if not points:
            continue
        y = {v: round(SPARK_HEIGHT - (value - low) * SPARK_HEIGHT / span, 1) for v, value in points}
        drawn = " ".join(f"{x[v]},{y[v]}" for v, _ in points)
        lines.append({"label": label, "colour": colour, "dash": dash, "points": drawn})
        (v0, first), (v1, last) = points[0], points[-1]
        words.append(f"{label} : de {_french(first, decimals)} ({v0}) à {_french(last, decimals)} ({v1})")
    text = " ; ".join(words)
    return Sparkline(lines, text[:1].upper() + text[1:] + ".")


def _series(computation_id: int, level: str, phase_slug: str, code: str, region: str) -> tuple[dict, dict]:
    """{(indicator_id, "unit" | "region" | "france"): [(vintage, value), …]} of the unit, its région and France, in
    vintage order, and {(indicator_id, vintage): coverage} of the unit. One query."""
    places = Q(level=level, phase_slug=phase_slug, code=code) | Q(level=Level.FRANCE)
    if region:
        places |= Q(level=Level.REGION, code=region)
    rows = UnitValue.objects.filter(places, computation_id=computation_id, value__isnull=False)
    series = defaultdict(list)
    coverage = {}
    for indicator_id, row_level, vintage, value, share in rows.order_by("vintage").values_list(
        "indicator_id", "level", "vintage", "value", "coverage"
    ):
        key = {Level.FRANCE: "france", Level.REGION: "region"}.get(row_level, "unit")
        series[indicator_id, key].append((vintage, value))
        if key == "unit":
            coverage[indicator_id, vintage] = share
    return series, coverage


def _rows(score: Score | None, series: dict, coverage: dict) -> list[IndicatorRow]:
    contributions = (score.contributions or {}) if score else {}
    largest = max((abs(p) for p in contributions.values() if p is not None), default=0) or 1.0
    rows = []
    for indicator in Indicator.objects.all():
        own = series.get((indicator.pk, "unit"), [])
        if not own and indicator.code not in contributions:
            continue
        row = IndicatorRow(indicator, contribution=contributions.get(indicator.code))
        if own:
            row.vintage, row.value = own[-1]
            row.coverage = coverage.get((indicator.pk, row.vintage))
        row.region_value = _at(series.get((indicator.pk, "region"), []), row.vintage)
        row.france_value = _at(series.get((indicator.pk, "france"), []), row.vintage)
        row.bar = round(abs(row.contribution or 0) * BAR_WIDTH / largest)
        parts = {key: series.get((indicator.pk, key), []) for key in ("unit", "region", "france")}
        row.sparkline = sparkline(parts, indicator.decimals)
        rows.append(row)
    return rows


def _at(points: list[tuple[str, float]], vintage: str) -> float | None:
    return next((value for v, value in points if v == vintage), None)


def diagnose(level: str, phase_slug: str, code: str) -> Diagnosis:
    """The unit's diagnosis on the newest scoring of the default published method version (`scoring` None when
    nothing was computed yet)."""
    scoring = latest_scoring(default_version(published_versions()))
    diagnosis = Diagnosis(level, phase_slug, code, scoring)
    if scoring is None:
        return diagnosis
    diagnosis.score = Score.objects.filter(scoring=scoring, level=level, phase_slug=phase_slug, code=code).first()
    region = diagnosis.score.region_code if diagnosis.score else ""
    if region:
        diagnosis.region_name = region_names(scoring.computation.edition_id).get(region, region)
    series, coverage = _series(scoring.computation_id, level, phase_slug, code, region)
    diagnosis.rows = _rows(diagnosis.score, series, coverage)
    return diagnosis


def diagnosis_section(territory) -> dict:
    """« Diagnostic » on a territory's public page (declared in TargetingConfig.page_sections)."""
    diagnosis = diagnose(Level.TERRITORY, territory.phase.slug, territory.code)
    return {"template": "targeting/_diagnosis.html", "diagnosis": diagnosis, "unit_name": territory.name}
