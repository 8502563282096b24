"""The fragility index: a published method version applied to a computation (ADR 0008).

Within each group of comparable units (the territories of one phase, the EPCI, the zones d'emploi, the départements),
each indicator of the method is turned "higher is more fragile" and transformed (percentile ranks 0–100, or z-scores
clipped to ±3); the score is the weighted mean of the known ones, and each indicator's contribution is its share of
the points. The rank interval says how far the rank moves when the weights do: 1,000 draws of a Dirichlet centred on
the weights, all units at once with numpy, seeded so that the same inputs give the same interval.
"""

import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.geography.models import CommuneContour, Epci
from pilote.geography.projection import edition_index
from pilote.territories.models import Resolution, ResolvedCommune

from . import catalogue as k
from . import compute as c
from .enums import Direction, Level, MethodStatus, MissingValues, Transformation
from .models import (
    Computation,
    Indicator,
    Method,
    MethodVersion,
    MethodWeight,
    Score,
    Scoring,
    UnitValue,
)

DEFAULT_SLUG = "indice-fragilite"
DRAWS = 1000
SEED = 2023
# How tightly the perturbed weights stay around the method's: Dirichlet(α = CONCENTRATION × weights). With 40, a
# weight of 0.25 moves with a standard deviation of about 0.07 (a weight of 0.10, about 0.05).
CONCENTRATION = 40.0
PERCENTILES = (5, 95)
ZSCORE_CLIP = 3.0

# Default weights of version 1 (ADR 0008): unemployment first (level, then its recent and 5-year drift against
# France), poverty, demographic decline, industrial employment when URSSAF data is there, brownfields last.
DEFAULT_WEIGHTS = {
    k.UNEMPLOYMENT_MEAN: 0.25,
    k.UNEMPLOYMENT_GAP_5Y: 0.15,
    k.UNEMPLOYMENT_GAP_1Y: 0.10,
    k.POVERTY: 0.20,
    k.POPULATION_CHANGE_5Y: 0.15,
    k.INDUSTRIAL_JOBS_CHANGE: 0.10,
    k.BROWNFIELD_DENSITY: 0.05,
}
# Shock thresholds, documented defaults (read by alerts.detect; a method version may change them).
DEFAULT_THRESHOLDS = {
    "unemployment_rise_points": 1.0,  # unemployment up this many points more than France's …
    "unemployment_quarters": 4,  # … over this many quarters
    "industrial_jobs_fall_percent": 5.0,  # industrial jobs down by more than this over the last year
    "salaried_jobs_fall_percent": 3.0,  # salaried jobs down by more than this over the last year
    "min_jobs": 200,  # below this many jobs a year before, a fall is noise
    "candidate_top_share": 0.2,  # EPCI outside the programme in the top 20 % of EPCI scores are candidates
}


def ensure_default_method() -> MethodVersion:
    """The default published method, `indice-fragilite` version 1 (idempotent)."""
    k.ensure_catalogue()
    method, _ = Method.objects.get_or_create(
        slug=DEFAULT_SLUG,
        defaults={
            "name": "Indice de fragilité",
            "description": "Où l'industrie et l'emploi vont le plus mal : chômage et son évolution face à la France, "
            "pauvreté, déclin démographique, emploi industriel, friches.",
        },
    )
    version = method.versions.filter(number=1).first()
    if version is not None:
        return version
    indicators = dict(Indicator.objects.filter(code__in=DEFAULT_WEIGHTS).values_list("code", "id"))
    with transaction.atomic():
        version = MethodVersion.objects.create(
            method=method,
            number=1,
            transformation=Transformation.RANK,
            missing_values=MissingValues.RENORMALISE,
            thresholds=DEFAULT_THRESHOLDS,
            notes="Version initiale (poids par défaut, voir la décision d'architecture 0008).",
        )
        MethodWeight.objects.bulk_create(
            MethodWeight(version=version, indicator_id=indicators[code], weight=weight)
            for code, weight in DEFAULT_WEIGHTS.items()
        )
        publish(version)
    return version


def publish(version: MethodVersion) -> None:
    MethodVersion.objects.filter(pk=version.pk).update(status=MethodStatus.PUBLISHED, published_at=timezone.now())
    version.refresh_from_db()


def latest_version(slug: str = DEFAULT_SLUG) -> MethodVersion | None:
    return MethodVersion.objects.filter(method__slug=slug, status=MethodStatus.PUBLISHED).order_by("-number").first()


def thresholds_of(version: MethodVersion) -> dict:
    return {**DEFAULT_THRESHOLDS, **(version.thresholds or {})}


# -- transformation -----------------------------------------------------------------------------------------------


def percentile_ranks(column: np.ndarray) -> np.ndarray:
    """0 (least fragile) … 100 (most) among the known values; ties share their mean rank; NaN stays NaN."""
    known = ~np.isnan(column)
    out = np.full(column.shape, np.nan)
    n = int(known.sum())
    if n == 0:
        return out
    if n == 1:
        out[known] = 50.0
        return out
    values = column[known]
    unique, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    mean_rank = first + (counts - 1) / 2  # 0-based mean position of each distinct value
    out[known] = mean_rank[inverse] / (n - 1) * 100
    return out


def zscores(column: np.ndarray) -> np.ndarray:
    known = ~np.isnan(column)
    if known.sum() < 2:
        return np.where(known, 0.0, np.nan)
    std = np.nanstd(column)
    if std == 0:
        return np.where(known, 0.0, np.nan)
    return np.clip((column - np.nanmean(column)) / std, -ZSCORE_CLIP, ZSCORE_CLIP)


def transform(matrix: np.ndarray, directions: list[str], transformation: str) -> np.ndarray:
    """units × indicators, raw → "higher is more fragile", transformed column by column."""
    signs = np.asarray([-1.0 if d == Direction.HIGHER_IS_BETTER else 1.0 for d in directions])
    oriented = matrix * signs
    function = percentile_ranks if transformation == Transformation.RANK else zscores
    return np.stack([function(oriented[:, k]) for k in range(matrix.shape[1])], axis=1)


def fill_missing(transformed: np.ndarray, rule: str, transformation: str) -> tuple[np.ndarray, np.ndarray]:
    """(values with the missing ones filled or zeroed, mask of what counts in the weights) per the method."""
    known = ~np.isnan(transformed)
    if rule == MissingValues.MEDIAN:
        middle = 50.0 if transformation == Transformation.RANK else 0.0
        return np.where(known, transformed, middle), np.ones_like(transformed)
    return np.where(known, transformed, 0.0), known.astype(float)


def weighted(values: np.ndarray, mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """weights: draws × indicators (or one row) → scores draws × units (NaN when no indicator is known)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (weights @ (values * mask).T) / (weights @ mask.T)


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1 = most fragile; ties share the better rank (1, 2, 2, 4); NaN → 0 (no rank)."""
    known = ~np.isnan(scores)
    ordered = np.sort(-scores[known])
    ranks = np.zeros(scores.shape, dtype=np.int64)
    ranks[known] = np.searchsorted(ordered, -scores[known], side="left") + 1
    return ranks


def rank_intervals(values, mask, weights, rng, draws: int) -> tuple[np.ndarray, np.ndarray]:
    """The 5th and 95th percentile of each unit's rank over `draws` perturbed weight vectors, vectorised."""
    alpha = np.maximum(weights / weights.sum() * CONCENTRATION, 1e-3)
    scores = weighted(values, mask, rng.dirichlet(alpha, size=draws))  # draws × units
    scores = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, order.shape[1] + 1)[None, :].repeat(draws, axis=0), axis=1)
    low, high = np.percentile(ranks, PERCENTILES, axis=0, method="nearest")
    return low, high


# -- scoring ------------------------------------------------------------------------------------------------------


@dataclass
class Group:
    level: str
    phase_slug: str
    codes: list[str]
    regions: list[str]
    matrix: np.ndarray  # units × indicators, raw values


def groups_of(computation: Computation, indicators: list[Indicator]) -> list[Group]:
    """The scored units of the computation with the method's indicators (last vintage of each), by group."""
    position = {ind.id: k for k, ind in enumerate(indicators)}
    latest = {ind.id: computation.vintages.get(ind.code, [""])[-1] for ind in indicators}
    regions = computation.report.get("regions", {})
    rows = UnitValue.objects.filter(
        computation=computation, indicator_id__in=position, level__in=c.SCORED_LEVELS
    ).values_list("indicator_id", "vintage", "level", "phase_slug", "code", "value")
    cells: dict[tuple[str, str], dict[str, dict[int, float]]] = {}
    for indicator_id, vintage, level, phase_slug, code, value in rows:
        if vintage == latest[indicator_id]:
            unit = cells.setdefault((level, phase_slug), {}).setdefault(code, {})
            unit[position[indicator_id]] = np.nan if value is None else value
    groups = []
    for (level, phase_slug), units in sorted(cells.items()):
        codes = sorted(units)
        matrix = np.full((len(codes), len(indicators)), np.nan)
        for i, code in enumerate(codes):
            for column, value in units[code].items():
                matrix[i, column] = value
        region_of = [regions.get(c.unit_key(level, phase_slug, code), "") for code in codes]
        groups.append(Group(level, phase_slug, codes, region_of, matrix))
    return groups


def method_parts(version: MethodVersion) -> tuple[list[Indicator], np.ndarray]:
    weights = list(version.weights.select_related("indicator").order_by("indicator__order", "indicator__code"))
    return [w.indicator for w in weights], np.asarray([w.weight for w in weights], dtype=float)


def score_group(group: Group, indicators, weights, version, rng, draws: int) -> list[Score]:
    used = ~np.all(np.isnan(group.matrix), axis=0)  # an indicator nobody has is left out of this computation
    matrix, weights = group.matrix[:, used], weights[used]
    codes = [ind.code for ind, keep in zip(indicators, used, strict=True) if keep]
    if not codes:
        return []
    directions = [ind.direction for ind, keep in zip(indicators, used, strict=True) if keep]
    transformed = transform(matrix, directions, version.transformation)
    values, mask = fill_missing(transformed, version.missing_values, version.transformation)
    scores = weighted(values, mask, weights[None, :])[0]
    if version.missing_values == MissingValues.EXCLUDE:
        scores = np.where(np.isnan(transformed).any(axis=1), np.nan, scores)
    national = competition_ranks(scores)
    regional = regional_ranks(scores, group.regions)
    low, high = rank_intervals(values, mask, weights, rng, draws)
    shares = values * mask * weights / np.maximum((mask * weights).sum(axis=1, keepdims=True), 1e-12)
    return [
        Score(
            level=group.level,
            phase_slug=group.phase_slug,
            code=code,
            region_code=group.regions[i],
            score=None if math.isnan(scores[i]) else round(float(scores[i]), 3),
            rank_national=int(national[i]) or None,
            rank_regional=int(regional[i]) or None,
            rank_low=int(low[i]) if national[i] else None,
            rank_high=int(high[i]) if national[i] else None,
            contributions={
                k: round(float(shares[i, j]), 3)
                for j, k in enumerate(codes)
                if mask[i, j] and not math.isnan(scores[i])
            },
        )
        for i, code in enumerate(group.codes)
    ]


def regional_ranks(scores: np.ndarray, regions: list[str]) -> np.ndarray:
    ranks = np.zeros(scores.shape, dtype=np.int64)
    regions = np.asarray(regions, dtype=object)
    for region in set(regions):
        if region:
            members = regions == region
            ranks[members] = competition_ranks(scores[members])
    return ranks


def calculate(computation: Computation, version: MethodVersion, *, draws: int = DRAWS, seed: int = SEED):
    indicators, weights = method_parts(version)
    rng = np.random.default_rng(seed)
    scores = []
    for group in groups_of(computation, indicators):
        scores.extend(score_group(group, indicators, weights, version, rng, draws))
    return scores


def score(computation: Computation, method_version: MethodVersion, *, draws: int = DRAWS, seed: int = SEED) -> Scoring:
    """Score every unit of `computation` with `method_version`: a new Scoring, or the existing one (never rewritten)."""
    existing = Scoring.objects.filter(computation=computation, method_version=method_version, draws=draws, seed=seed)
    if existing.exists():
        return existing.first()
    scores = calculate(computation, method_version, draws=draws, seed=seed)
    with transaction.atomic():
        scoring = Scoring.objects.create(computation=computation, method_version=method_version, draws=draws, seed=seed)
        for row in scores:
            row.scoring = scoring
        Score.objects.bulk_create(scores, batch_size=2000)
    return scoring


# The scoring a method version publishes as current: its newest (the higher id breaks a tie).
NEWEST_FIRST = ("-computed_at", "-id")


def latest_scoring(method_version: MethodVersion | None = None) -> Scoring | None:
    """The latest scoring of a method version (default: the latest published version of the default method)."""
    version = method_version or latest_version()
    if version is None:
        return None
    scorings = Scoring.objects.filter(method_version=version).select_related("computation", "method_version__method")
    return scorings.order_by(*NEWEST_FIRST).first()


def latest_scorings(method_version_ids: set[int]) -> dict[int, int]:
    """{method version id: id of its latest scoring} for several versions at once, by the rule of `latest_scoring`.
    One query."""
    latest: dict[int, int] = {}
    scorings = Scoring.objects.filter(method_version_id__in=method_version_ids).order_by(*NEWEST_FIRST)
    for pk, version in scorings.values_list("pk", "method_version_id"):
        latest.setdefault(version, pk)  # the first one met is the newest
    return latest


# -- reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    level: str
    phase_slug: str
    code: str
    rank_a: int | None
    rank_b: int | None
    delta: int | None  # positive: ranked more fragile by b


def compare(scoring_a: Scoring, scoring_b: Scoring) -> list[Move]:
    """Each unit's rank under two scorings (two method versions, say): who moves up, who moves down."""
    fields = ("level", "phase_slug", "code", "rank_national")
    a = {row[:3]: row[3] for row in Score.objects.filter(scoring=scoring_a).values_list(*fields)}
    b = {row[:3]: row[3] for row in Score.objects.filter(scoring=scoring_b).values_list(*fields)}
    moves = []
    for key in sorted(set(a) | set(b)):
        rank_a, rank_b = a.get(key), b.get(key)
        delta = rank_a - rank_b if rank_a is not None and rank_b is not None else None
        moves.append(Move(*key, rank_a, rank_b, delta))
    return sorted(moves, key=lambda m: (m.level, m.phase_slug, -abs(m.delta or 0), m.code))


def series(
    level: str, code: str, indicator_code: str, phase_slug: str = "", *, computation: Computation | None = None
) -> list[tuple[str, float | None]]:
    """(vintage, value) of a unit in the latest computation, oldest first: for sparklines. France is
    `series("france", "FR", …)`, a région `series("region", code, …)`."""
    computation = computation or Computation.objects.first()
    if computation is None:
        return []
    rows = UnitValue.objects.filter(
        computation=computation, level=level, phase_slug=phase_slug, code=code, indicator__code=indicator_code
    ).values_list("vintage", "value")
    return sorted(rows, key=lambda row: (c.quarter_number(row[0]) or 0, row[0]))


def series_with_context(level: str, code: str, indicator_code: str, phase_slug: str = "", region_code: str = ""):
    """The unit's series with France's and its région's, read from one computation."""
    computation = Computation.objects.first()
    found = {
        "unit": series(level, code, indicator_code, phase_slug, computation=computation),
        "france": series(Level.FRANCE, c.FRANCE, indicator_code, computation=computation),
    }
    if region_code:
        found["region"] = series(Level.REGION, region_code, indicator_code, computation=computation)
    return found


# -- candidates ---------------------------------------------------------------------------------------------------

PROGRAMME_PHASE = "2023-2027"
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Candidate:
    siren: str
    name: str
    score: float
    rank: int
    region_code: str
    nearest_phase_slug: str
    nearest_code: str
    nearest_name: str
    distance_km: float | None


def programme_communes(edition: int, phase_slug: str = PROGRAMME_PHASE) -> set[str]:
    resolutions = Resolution.objects.current(edition).filter(version__territory__phase__slug=phase_slug)
    return set(ResolvedCommune.objects.filter(resolution__in=resolutions).values_list("code", flat=True))


def candidates(scoring: Scoring, *, phase_slug: str = PROGRAMME_PHASE) -> list[Candidate]:
    """EPCI with no commune in a current territory of the phase whose score is in the top share of EPCI scores,
    with the territory of the programme whose centre is nearest to theirs."""
    edition = scoring.computation.edition_id
    index = edition_index(edition)
    inside = programme_communes(edition, phase_slug)
    scores = list(Score.objects.filter(scoring=scoring, level=Level.EPCI, rank_national__isnull=False))
    top = max(1, math.ceil(len(scores) * thresholds_of(scoring.method_version)["candidate_top_share"]))
    chosen = [s for s in scores if s.rank_national <= top and not (index.epci_members.get(s.code, set()) & inside)]
    centres = epci_centres(index, [s.code for s in chosen])
    territories = territory_centres(edition, phase_slug)
    names = dict(
        Epci.objects.filter(edition_id=edition, siren__in=[s.code for s in chosen]).values_list("siren", "name")
    )
    found = []
    for s in sorted(chosen, key=lambda s: (s.rank_national, s.code)):
        nearest = nearest_territory(centres.get(s.code), territories)
        found.append(Candidate(s.code, names.get(s.code, s.code), s.score, s.rank_national, s.region_code, *nearest))
    return found


def epci_centres(index, sirens: list[str]) -> dict[str, tuple[float, float]]:
    """Area-weighted mean of the member communes' centroids (the centroid of their union), from the contours."""
    members = {siren: index.epci_members.get(siren, set()) for siren in sirens}
    codes = set().union(*members.values()) if members else set()
    wkb = dict(CommuneContour.objects.filter(code__in=codes).values_list("code", "wkb"))
    geometries = dict(zip(wkb, shapely.from_wkb([bytes(v) for v in wkb.values()]), strict=True))
    centres = {}
    for siren, communes in members.items():
        shapes = [geometries[code] for code in communes if code in geometries]
        if shapes:
            areas = shapely.area(shapes)
            points = shapely.centroid(shapes)
            x, y = shapely.get_x(points), shapely.get_y(points)
            total = areas.sum() or 1.0
            centres[siren] = (float((x * areas).sum() / total), float((y * areas).sum() / total))
    return centres


def territory_centres(edition: int, phase_slug: str) -> list[tuple[str, str, str, tuple[float, float]]]:
    rows = (
        Resolution.objects.current(edition)
        .filter(version__territory__phase__slug=phase_slug)
        .values_list("version__territory__code", "version__territory__name", "geometry_light", "geometry")
    )
    found = []
    for code, name, light, detailed in rows:
        text = light or detailed
        if text:
            centre = shapely.centroid(shapely.from_geojson(text))
            if not centre.is_empty:
                found.append((phase_slug, code, name, (centre.x, centre.y)))
    return found


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance, precise enough at the scale of a département."""
    mean_lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * math.cos(mean_lat), a[1] - b[1]) * KM_PER_DEGREE


def nearest_territory(centre, territories) -> tuple[str, str, str, float | None]:
    if centre is None or not territories:
        return ("", "", "", None)
    phase_slug, code, name, point = min(territories, key=lambda t: (distance_km(centre, t[3]), t[1]))
    return (phase_slug, code, name, round(distance_km(centre, point), 1))


def record_version(version: MethodVersion, *, actor) -> None:
    weights = {w.indicator.code: w.weight for w in version.weights.select_related("indicator")}
    audit.record(
        actor=actor,
        action="method_version.create",
        obj=version,
        changes={
            "number": [None, version.number],
            "transformation": [None, version.transformation],
            "missing_values": [None, version.missing_values],
            "weights": [None, weights],
            "thresholds": [None, version.thresholds],
        },
    )
