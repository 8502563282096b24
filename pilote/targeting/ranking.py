"""Reads for the ranking, its choropleth map, its exports and the API: the scores of one scoring on one level, the
chosen indicator's values joined in, names looked up in bulk. A fixed number of queries whatever the number of units.

A "unit set" is what the ranking lists: the territories of one phase (`phase_slug`) or the EPCI (`phase_slug=""`).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef

from pilote.geography.models import Epci
from pilote.territories.figures import region_names
from pilote.territories.models import Territory

from . import index
from .enums import Direction, Level, MethodStatus
from .models import Indicator, MethodVersion, Score, Scoring, UnitValue

SCORE = "score"  # the indicator choice that maps the index itself
CLASSES = 5
# ColorBrewer YlOrRd, 5 classes: sequential, safe for colour-blind readers and in greyscale; darkest = most fragile.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
DEFAULT_METHOD = "indice-fragilite"
EPCI = "epci"  # the unit-set choice that lists EPCI rather than the territories of a phase


@dataclass
class RankRow:
    code: str
    name: str
    region_code: str
    region_name: str
    score: float | None
    rank_national: int | None
    rank_regional: int | None
    rank_low: int | None
    rank_high: int | None
    value: float | None = None
    coverage: float | None = None
    colour: str = ""


@dataclass
class Legend:
    """Quantile classes of the mapped values: `bounds[i]` to `bounds[i+1]` is drawn in `colours[i]`."""

    bounds: list[float] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    decimals: int = 1

    def classes(self) -> list[dict]:
        return [
            {"low": self.bounds[i], "high": self.bounds[i + 1], "colour": colour}
            for i, colour in enumerate(self.colours)
        ]

    def colour_of(self, value: float | None) -> str:
        if value is None or not self.colours:
            return ""
        for i, colour in enumerate(self.colours):
            if value <= self.bounds[i + 1]:
                return colour
        return self.colours[-1]


def quantile_legend(values: list[float], *, reverse: bool = False, decimals: int = 1) -> Legend:
    """Up to five classes holding about as many units each (quantiles); fewer when the values have fewer distinct
    levels. `reverse` puts the darkest colour on the lowest values (indicators where higher is better)."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return Legend(decimals=decimals)
    n = min(CLASSES, len(set(ordered)))
    uppers = sorted({ordered[-(-len(ordered) * k // n) - 1] for k in range(1, n + 1)})
    bounds = [ordered[0], *uppers]
    colours = [PALETTE[round(i * (CLASSES - 1) / max(len(uppers) - 1, 1))] for i in range(len(uppers))]
    return Legend(bounds, colours[::-1] if reverse else colours, decimals)


def published_versions() -> list[MethodVersion]:
    """Published method versions, newest first, with their method. One query."""
    rows = MethodVersion.objects.filter(status=MethodStatus.PUBLISHED).select_related("method")
    rows = rows.annotate(is_computed=Exists(Scoring.objects.filter(method_version=OuterRef("pk"))))
    return list(rows.order_by("method__slug", "-number"))


def default_version(versions: list[MethodVersion]) -> MethodVersion | None:
    """The newest published version of the fragility index that was computed (a version published but not computed
    yet leaves the pages on the previous one), else the newest one; another method's when the index has none."""
    mine = [v for v in versions if v.method.slug == DEFAULT_METHOD] or versions
    return next((v for v in mine if v.is_computed), mine[0] if mine else None)


def latest_scoring(version: MethodVersion | None) -> Scoring | None:
    """The newest scoring of the version a page shows (none when no version is computed): `index.latest_scoring`."""
    return index.latest_scoring(version) if version is not None else None


def unit_level(phase_slug: str) -> str:
    return Level.TERRITORY if phase_slug else Level.EPCI


def unit_names(phase_slug: str, edition: int) -> dict[str, str]:
    """Names of the units of a set: the territories of a phase, or the EPCI of the computation's edition."""
    if phase_slug:
        return dict(Territory.objects.filter(phase__slug=phase_slug).values_list("code", "name"))
    return dict(Epci.objects.of(edition).values_list("siren", "name"))


def latest_values(computation_id: int, indicator: Indicator, level: str, phase_slug: str) -> tuple[str, dict]:
    """(vintage, {code: (value, coverage)}) of the newest vintage of an indicator on a unit set. Two queries."""
    rows = UnitValue.objects.filter(computation_id=computation_id, indicator=indicator, level=level)
    rows = rows.filter(phase_slug=phase_slug)
    vintage = rows.aggregate(newest=Max("vintage"))["newest"]
    if vintage is None:
        return "", {}
    values = rows.filter(vintage=vintage).values_list("code", "value", "coverage")
    return vintage, {code: (value, coverage) for code, value, coverage in values}


def score_rows(scoring: Scoring, phase_slug: str, region: str = "") -> list[RankRow]:
    """The scores of a unit set, with names and région names. Three queries."""
    scores = Score.objects.filter(scoring=scoring, level=unit_level(phase_slug), phase_slug=phase_slug)
    if region:
        scores = scores.filter(region_code=region)
    edition = scoring.computation.edition_id
    names, regions = unit_names(phase_slug, edition), region_names(edition)
    fields = ("code", "region_code", "score", "rank_national", "rank_regional", "rank_low", "rank_high")
    return [
        RankRow(code, names.get(code, code), reg, regions.get(reg, reg), *figures)
        for code, reg, *figures in scores.values_list(*fields)
    ]


@dataclass
class Ranking:
    rows: list[RankRow]
    indicator: Indicator | None  # None: the score itself is mapped
    vintage: str
    legend: Legend


def ranking(scoring: Scoring, phase_slug: str, *, region: str = "", indicator: Indicator | None = None) -> Ranking:
    """Scores of a unit set with the chosen indicator's values joined in and each row's map colour."""
    rows = score_rows(scoring, phase_slug, region)
    vintage = ""
    if indicator is not None:
        vintage, values = latest_values(scoring.computation_id, indicator, unit_level(phase_slug), phase_slug)
        for row in rows:
            row.value, row.coverage = values.get(row.code, (None, None))
    mapped = [row.value if indicator else row.score for row in rows]
    reverse = indicator is not None and indicator.direction == Direction.HIGHER_IS_BETTER
    legend = quantile_legend(mapped, reverse=reverse, decimals=indicator.decimals if indicator else 1)
    for row, value in zip(rows, mapped, strict=True):
        row.colour = legend.colour_of(value)
    return Ranking(rows, indicator, vintage, legend)


SORTS = {  # column → the sort value of a row, None when the row has no figure there
    "rang": lambda r: r.rank_national,
    "nom": lambda r: r.name.lower(),
    "region": lambda r: (r.region_name.lower(), r.rank_national or 0),
    "score": lambda r: r.score,
    "rang_regional": lambda r: None if r.rank_regional is None else (r.region_name.lower(), r.rank_regional),
    "valeur": lambda r: r.value,
}


def sorted_rows(rows: list[RankRow], key: str, descending: bool) -> list[RankRow]:
    """Rows sorted on a column (ties by name); units without a figure stay last whichever the direction."""
    value = SORTS.get(key, SORTS["rang"])
    known = sorted((r for r in rows if value(r) is not None), key=lambda r: r.name.lower())
    known.sort(key=value, reverse=descending)
    return known + sorted((r for r in rows if value(r) is None), key=lambda r: r.name.lower())
