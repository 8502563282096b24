"""Every indicator carried onto one edition of the geography and aggregated on every unit, with its coverage.

The path of a value, vectorised with numpy (one array per indicator × vintage over the edition's communes):
  SourceValue on the source's geography (communes of COG `dataset.geography_year`, or zones d'emploi)
  → zones d'emploi reach their communes through `ZoneCommune` (the latest composition)
  → communes of the source's COG reach the edition's communes through the lineage (`geography.projection.map_commune`):
    fusions are summed (counts) or averaged weighted by the source population (rates); a défusion (one old commune
    now held by several) is never split: it is left out and reported, like a commune whose parts lay in two zones
    (then averaged, weighted by the parts' population, and reported)
  → units: EPCI (memberships of the edition), the territories of each phase (stored resolutions on the edition),
    zones d'emploi, départements, régions, France, with the indicator's rule (sum, population-weighted mean, share
    recomputed from its parts) and the share of the unit's population the value rests on (coverage)
  → derived indicators (population change, unemployment mean and gaps to France, brownfield densities, employment
    change), computed on the aggregated values of each unit (a ratio of sums, never a mean of ratios).

Weights are the municipal population of the edition's communes (COG 2026 carries the 2023 population).
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import transaction
from django.db.models import Max

from pilote.geography.models import Edition
from pilote.geography.projection import EditionIndex, UnknownEdition, edition_index, map_commune
from pilote.territories.models import Resolution

from .catalogue import (
    BROWNFIELD_DENSITY,
    BROWNFIELD_HA,
    BROWNFIELD_HA_DENSITY,
    BROWNFIELDS,
    INDUSTRIAL_JOBS,
    INDUSTRIAL_JOBS_CHANGE,
    POPULATION,
    POPULATION_CHANGE_5Y,
    SALARIED_JOBS,
    SALARIED_JOBS_CHANGE,
    UNEMPLOYMENT,
    UNEMPLOYMENT_GAP_1Y,
    UNEMPLOYMENT_GAP_5Y,
    UNEMPLOYMENT_MEAN,
    ensure_catalogue,
)
from .enums import Aggregation, Level
from .importers.base import insert_rows
from .models import Computation, Dataset, Indicator, SourceValue, UnitValue, ZoneCommune

FRANCE = "FR"
# Quarterly series kept in a computation (sparklines, alerts); the 5-year gap reads 24 quarters in memory.
STORED_QUARTERS = 12
READ_QUARTERS = 24
STORED_YEARS = 6

# Counts whose file lists only the communes that have some: a commune absent from it has none.
ZERO_WHEN_ABSENT = {BROWNFIELDS, BROWNFIELD_HA}
# Units that are scored and ranked (régions and France are there for comparison).
SCORED_LEVELS = (Level.TERRITORY, Level.EPCI, Level.ZONE_EMPLOI, Level.DEPARTEMENT)


# -- vintages -----------------------------------------------------------------------------------------------------

QUARTER = re.compile(r"^(\d{4})-T([1-4])$")


def quarter_number(vintage: str) -> int | None:
    match = QUARTER.match(vintage)
    return int(match[1]) * 4 + int(match[2]) - 1 if match else None


def quarter_label(number: int) -> str:
    return f"{number // 4}-T{number % 4 + 1}"


def chosen_vintages(indicator_code: str, vintages: list[str]) -> list[str]:
    """The vintages read for an indicator: the last 24 quarters of a quarterly series, the last years otherwise."""
    if vintages and all(quarter_number(v) is not None for v in vintages):
        last = max(quarter_number(v) for v in vintages)
        return sorted((v for v in vintages if quarter_number(v) > last - READ_QUARTERS), key=quarter_number)
    vintages = sorted(vintages)
    if indicator_code == POPULATION and len(vintages) > 2:  # 35,000 values a year: only what the change reads
        earlier = str(int(vintages[-1]) - 5)
        return [earlier if earlier in vintages else vintages[0], vintages[-1]]
    return vintages[-STORED_YEARS:]


def stored_vintages(vintages: list[str]) -> list[str]:
    if vintages and quarter_number(vintages[0]) is not None:
        return vintages[-STORED_QUARTERS:]
    return vintages


# -- the units ----------------------------------------------------------------------------------------------------


@dataclass
class Units:
    """Every unit of a computation and its communes, as index arrays over the edition's communes."""

    keys: list[tuple[str, str, str]] = field(default_factory=list)  # (level, phase_slug, code)
    regions: list[str] = field(default_factory=list)  # "" until `assign_regions`
    pairs_unit: list[np.ndarray] = field(default_factory=list)
    pairs_commune: list[np.ndarray] = field(default_factory=list)

    def add_grouped(self, level: str, labels: np.ndarray, *, keep: np.ndarray | None = None) -> None:
        """One unit per distinct label of the communes (their région, département, zone), in code order."""
        keep = np.ones(len(labels), dtype=bool) if keep is None else keep
        names, inverse = np.unique(labels[keep], return_inverse=True)
        offset = len(self.keys)
        self.keys.extend((level, "", str(name)) for name in names)
        self.regions.extend("" for _ in names)
        self.pairs_unit.append(inverse + offset)
        self.pairs_commune.append(np.flatnonzero(keep))

    def add(self, level: str, code: str, members: list[int], *, phase_slug: str = "", region: str = "") -> None:
        unit = len(self.keys)
        self.keys.append((level, phase_slug, code))
        self.regions.append(region)
        self.pairs_unit.append(np.full(len(members), unit, dtype=np.int64))
        self.pairs_commune.append(np.asarray(members, dtype=np.int64))

    def freeze(self) -> "Segments":
        unit = np.concatenate(self.pairs_unit).astype(np.int64)
        commune = np.concatenate(self.pairs_commune).astype(np.int64)
        order = np.argsort(unit, kind="stable")
        return Segments(len(self.keys), unit[order], commune[order])

    def assign_regions(self, segments: "Segments", regions: np.ndarray, population: np.ndarray) -> None:
        """A unit without a région of its own gets the one holding most of its population (for regional ranks)."""
        names, region_of = np.unique(regions, return_inverse=True)
        weights = np.zeros((self.size, len(names)))
        np.add.at(weights, (segments.unit, region_of[segments.commune]), population[segments.commune] + 1e-9)
        best = weights.argmax(axis=1)
        has = weights.sum(axis=1) > 0
        self.regions = [r or (str(names[best[u]]) if has[u] else "") for u, r in enumerate(self.regions)]

    @property
    def size(self) -> int:
        return len(self.keys)


@dataclass
class Segments:
    """Sums over the communes of each unit, for a whole matrix at once (`np.add.reduceat` on the sorted pairs)."""

    size: int
    unit: np.ndarray
    commune: np.ndarray

    def __post_init__(self):
        self.present, self.starts = np.unique(self.unit, return_index=True)

    def sum(self, matrix: np.ndarray) -> np.ndarray:
        """matrix: communes × vintages → units × vintages (0 for a unit without communes)."""
        out = np.zeros((self.size, matrix.shape[1]))
        if len(self.commune):
            out[self.present] = np.add.reduceat(matrix[self.commune], self.starts, axis=0)
        return out


def build_units(index: EditionIndex, codes: list[str], population: np.ndarray, zone_of: dict[str, str]):
    """(units, segments): France, régions, départements, zones, EPCI, territories of each phase."""
    position = {code: i for i, code in enumerate(codes)}
    regions = np.asarray([index.communes[c].region for c in codes])
    units = Units()
    units.add(Level.FRANCE, FRANCE, list(range(len(codes))))
    units.add_grouped(Level.REGION, regions)
    units.add_grouped(Level.DEPARTEMENT, np.asarray([index.communes[c].departement for c in codes]))
    zones = np.asarray([zone_of.get(c, "") for c in codes])
    units.add_grouped(Level.ZONE_EMPLOI, zones, keep=zones != "")
    for siren, members in sorted(index.epci_members.items()):
        units.add(Level.EPCI, siren, [position[c] for c in members if c in position])
    for phase_slug, code, region, members in territory_members(index.year):
        units.add(
            Level.TERRITORY, code, [position[c] for c in members if c in position], phase_slug=phase_slug, region=region
        )
    segments = units.freeze()
    units.regions = [key[2] if key[0] == Level.REGION else r for key, r in zip(units.keys, units.regions, strict=True)]
    units.assign_regions(segments, regions, population)
    return units, segments


def territory_members(edition: int) -> list[tuple[str, str, str, list[str]]]:
    """(phase slug, code, région of attachment, communes) of each territory's current perimeter on the edition."""
    resolutions = Resolution.objects.current(edition).values_list(
        "id", "version__territory__phase__slug", "version__territory__code", "version__territory__region_code"
    )
    members = defaultdict(list)
    from pilote.territories.models import ResolvedCommune

    for resolution_id, code in ResolvedCommune.objects.filter(resolution__in=[r[0] for r in resolutions]).values_list(
        "resolution_id", "code"
    ):
        members[resolution_id].append(code)
    return sorted((slug, code, region, members[pk]) for pk, slug, code, region in resolutions)


def unit_key(level: str, phase_slug: str, code: str) -> str:
    return f"{level}|{phase_slug}|{code}"


# -- carrying values onto the edition ------------------------------------------------------------------------------


@dataclass
class Carrier:
    """Source codes of one COG year → index of the edition's commune holding them (−1: not carried)."""

    target: np.ndarray
    weight: np.ndarray  # source population, for rates
    position: dict[str, int]


class Carry:
    """Lineage of every source geography onto the edition, built once per computation; what it could not carry
    is written in `report`."""

    def __init__(self, index: EditionIndex, codes: list[str], report: dict):
        self.index, self.codes, self.report = index, codes, report
        self.position = {code: i for i, code in enumerate(codes)}
        self.carriers: dict[int | None, Carrier] = {}

    def prepare(self, year: int | None, source_codes) -> None:
        """Build the carrier of a COG year for every code it will be asked about (once)."""
        known = self.carriers.get(year)
        wanted = set(source_codes)
        if known is None or not wanted <= known.position.keys():
            self.carriers[year] = self._build(year, sorted(wanted | set(known.position if known else ())))

    def carrier(self, year: int | None, source_codes) -> Carrier:
        if year not in self.carriers:
            self.prepare(year, source_codes)
        return self.carriers[year]

    def _build(self, year: int | None, source_codes: list[str]) -> Carrier:
        source = self._source_index(year)
        targets, weights, position = [], [], {}
        defusions, unmapped, fused = [], [], {}
        for i, code in enumerate(sorted(set(source_codes))):
            position[code] = i
            found = self._images(code, source)
            if len(found) == 1:
                targets.append(self.position[next(iter(found))])
            else:
                targets.append(-1)
                (defusions if found else unmapped).append(code)
            facts = source.communes.get(code) if source else None
            weights.append(float(facts.population) if facts and facts.population else 1.0)
            if len(found) == 1 and next(iter(found)) != code:
                fused[code] = next(iter(found))
        for name, found in (("defusions", defusions), ("unmapped", unmapped), ("fusions", fused)):
            if found:  # a carrier rebuilt for more codes replaces its year's report
                self.report[name][str(year)] = found
        return Carrier(np.asarray(targets, dtype=np.int64), np.asarray(weights), position)

    def _source_index(self, year: int | None) -> EditionIndex | None:
        if year is None or year == self.index.year:
            return None
        try:
            return edition_index(year)
        except UnknownEdition:
            self.report["missing_editions"] = sorted({*self.report.get("missing_editions", []), year})
            return None

    def _images(self, code: str, source: EditionIndex | None) -> set[str]:
        if source is not None:
            return {c for c in map_commune(code, source, self.index) if c in self.position}
        if code in self.position:
            return {code}
        index = self.index
        found = set(index.successors.get(code, ())) | ({index.parent_of[code]} if code in index.parent_of else set())
        return {c for c in found if c in self.position}

    def onto_communes(self, year, values: dict[str, float], rule: str) -> np.ndarray:
        """One vintage's values by source code → values of the edition's communes (NaN: none)."""
        self.prepare(year, values)
        carrier = self.carriers[year]
        src = np.full(len(carrier.position), np.nan)
        src[[carrier.position[code] for code in values]] = list(values.values())
        return spread(carrier.target, src, carrier.weight, len(self.codes), rule)


def spread(target: np.ndarray, values: np.ndarray, weight: np.ndarray, size: int, rule: str) -> np.ndarray:
    """Values of source items → the edition's communes they reach (target −1: none): summed, or averaged weighted."""
    keep = (target >= 0) & ~np.isnan(values)
    target, values, weight = target[keep], values[keep], weight[keep]
    count = np.bincount(target, minlength=size)
    if rule == Aggregation.SUM:
        total = np.bincount(target, weights=values, minlength=size)
    else:
        weights = np.bincount(target, weights=weight, minlength=size)
        total = np.divide(
            np.bincount(target, weights=values * weight, minlength=size), weights, out=np.zeros(size), where=weights > 0
        )
    return np.where(count > 0, total, np.nan)


@dataclass
class ZoneCarrier:
    """The communes of a zoning's composition, each with its zone (and the regional part of an interregional zone,
    whose own rate is used when the file gives one) and the edition's commune holding it."""

    zones: dict[str, int]  # zone and part codes → slot
    zone_of_item: np.ndarray
    part_of_item: np.ndarray  # the empty slot when the commune is in no regional part
    target: np.ndarray
    weight: np.ndarray

    @classmethod
    def build(cls, carry: "Carry", composition) -> "ZoneCarrier":
        year, zone_of, part_of = composition
        carrier = carry.carrier(year, list(zone_of))
        zones = {code: i for i, code in enumerate(sorted(set(zone_of.values()) | set(part_of.values())))}
        items = sorted(zone_of)
        rows = [carrier.position[code] for code in items]
        empty = len(zones)
        return cls(
            zones,
            np.asarray([zones[zone_of[c]] for c in items], dtype=np.int64),
            np.asarray([zones[part_of[c]] if part_of.get(c) else empty for c in items], dtype=np.int64),
            carrier.target[rows],
            carrier.weight[rows],
        )

    def onto_communes(self, values: dict[str, float], size: int) -> np.ndarray:
        empty = len(self.zones)  # the last slot: no part, or a code of the file absent from the composition
        by_code = np.full(empty + 1, np.nan)
        by_code[[self.zones.get(code, empty) for code in values]] = list(values.values())
        by_code[empty] = np.nan
        item = by_code[self.part_of_item]
        item = np.where(np.isnan(item), by_code[self.zone_of_item], item)
        return spread(self.target, item, self.weight, size, Aggregation.WEIGHTED_MEAN)


def latest_composition() -> tuple[int | None, dict[str, str], dict[str, str]]:
    """(COG year, zone of each commune, regional part of each commune of an interregional zone)."""
    year = ZoneCommune.objects.aggregate(year=Max("geography_year"))["year"]
    if year is None:
        return None, {}, {}
    rows = ZoneCommune.objects.filter(geography_year=year).values_list("commune_code", "zone_code", "zone_part_code")
    zone_of, part_of = {}, {}
    for commune, zone, part in rows:
        zone_of[commune] = zone
        if part:
            part_of[commune] = part
    return year, zone_of, part_of


def zones_of_edition(carry: Carry, zones: "ZoneCarrier | None") -> dict[str, str]:
    """Zone of each edition commune; a commune whose parts lay in two zones is reported and gets no zone unit."""
    if zones is None:
        return {}
    keep = zones.target >= 0
    pairs = np.unique(np.stack([zones.target[keep], zones.zone_of_item[keep]], axis=1), axis=0)
    targets, counts = np.unique(pairs[:, 0], return_counts=True)
    carry.report["straddling"] = sorted(carry.codes[t] for t in targets[counts > 1])
    single = np.isin(pairs[:, 0], targets[counts == 1])
    names = sorted(zones.zones, key=zones.zones.get)
    return {carry.codes[t]: names[z] for t, z in pairs[single]}


# -- aggregation --------------------------------------------------------------------------------------------------


@dataclass
class Series:
    """One indicator on every unit: values and coverage, units × vintages."""

    vintages: list[str]
    values: np.ndarray
    coverage: np.ndarray


def aggregate(segments: Segments, communes: np.ndarray, population: np.ndarray, rule: str, total) -> tuple:
    """communes: communes × vintages (NaN = unknown) → (values, coverage), units × vintages; `total`: the units'
    population. One pass over the units' communes for the three sums."""
    known = ~np.isnan(communes)
    weights = population[:, None]
    filled = np.where(known, communes, 0.0)
    width = communes.shape[1]
    sums = segments.sum(np.hstack([filled if rule == Aggregation.SUM else filled * weights, weights * known, known]))
    values, covered, counted = sums[:, :width], sums[:, width : 2 * width], sums[:, 2 * width :]
    with np.errstate(invalid="ignore", divide="ignore"):
        if rule != Aggregation.SUM:
            values = values / covered
        coverage = np.where(total > 0, covered / total, 1.0)
    return np.where(counted > 0, values, np.nan), np.where(counted > 0, coverage, np.nan)


def ratio(a: Series, b: Series, scale: float = 1.0) -> Series:
    """a / b × scale on common vintages (b's last vintage when b has only one: a population, say)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(b.values[:, -1:] > 0, a.values / b.values[:, -1:] * scale, np.nan)
    return Series(a.vintages, values, np.fmin(a.coverage, b.coverage[:, -1:]))


# -- derived indicators -------------------------------------------------------------------------------------------


def change(series: Series, years: int = 5) -> Series | None:
    """Relative change in % between the last year and `years` earlier (or the first year read)."""
    if len(series.vintages) < 2:
        return None
    last = len(series.vintages) - 1
    wanted = str(int(series.vintages[last]) - years)
    first = series.vintages.index(wanted) if wanted in series.vintages else 0
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(
            series.values[:, first] > 0, (series.values[:, last] / series.values[:, first] - 1) * 100, np.nan
        )
    coverage = np.fmin(series.coverage[:, first], series.coverage[:, last])
    label = f"{series.vintages[first]}-{series.vintages[last]}"
    return Series([label], values[:, None], coverage[:, None])


def rolling_mean(series: Series, width: int = 4) -> Series | None:
    """Mean of the last `width` quarters, for every quarter that has them (consecutive quarters only)."""
    numbers = [quarter_number(v) for v in series.vintages]
    keep = [i for i in range(width - 1, len(numbers)) if numbers[i] - numbers[i - width + 1] == width - 1]
    if not keep:
        return None
    values = np.stack([series.values[:, i - width + 1 : i + 1].mean(axis=1) for i in keep], axis=1)
    coverage = np.stack([series.coverage[:, i - width + 1 : i + 1].min(axis=1) for i in keep], axis=1)
    return Series([series.vintages[i] for i in keep], values, coverage)


def gap_to_france(mean: Series, quarters: int, france_row: int) -> Series | None:
    """Change of the 4-quarter mean over `quarters`, minus France's change, at the last quarter."""
    numbers = [quarter_number(v) for v in mean.vintages]
    last = len(numbers) - 1
    if numbers[last] - quarters not in numbers:
        return None
    before = numbers.index(numbers[last] - quarters)
    delta = mean.values[:, last] - mean.values[:, before]
    values = delta - delta[france_row]
    coverage = np.fmin(mean.coverage[:, last], mean.coverage[:, before])
    return Series([mean.vintages[last]], values[:, None], coverage[:, None])


def derive(series: dict[str, Series], france_row: int) -> dict[str, Series]:
    derived = {}
    if POPULATION in series:
        derived[POPULATION_CHANGE_5Y] = change(series[POPULATION])
    if UNEMPLOYMENT in series:
        mean = rolling_mean(series[UNEMPLOYMENT])
        if mean is not None:
            derived[UNEMPLOYMENT_MEAN] = Series(mean.vintages[-1:], mean.values[:, -1:], mean.coverage[:, -1:])
            derived[UNEMPLOYMENT_GAP_1Y] = gap_to_france(mean, 4, france_row)
            derived[UNEMPLOYMENT_GAP_5Y] = gap_to_france(mean, 20, france_row)
    if POPULATION in series:
        for counted, density in ((BROWNFIELDS, BROWNFIELD_DENSITY), (BROWNFIELD_HA, BROWNFIELD_HA_DENSITY)):
            if counted in series:
                last = series[counted]
                last = Series(last.vintages[-1:], last.values[:, -1:], last.coverage[:, -1:])
                derived[density] = ratio(last, series[POPULATION], 10_000)
    for jobs, evolution in ((SALARIED_JOBS, SALARIED_JOBS_CHANGE), (INDUSTRIAL_JOBS, INDUSTRIAL_JOBS_CHANGE)):
        if jobs in series:
            derived[evolution] = change(series[jobs])
    return {code: s for code, s in derived.items() if s is not None}


# -- the computation ----------------------------------------------------------------------------------------------


@dataclass
class Inputs:
    """What a computation reads, and its fingerprint: same fingerprint, same results."""

    edition: Edition
    vintages: dict[str, list[str]]  # indicator code → vintages read
    datasets: list[int]
    fingerprint: str


def inputs_of(edition: Edition) -> Inputs:
    pairs = defaultdict(list)
    for code, vintage in SourceValue.objects.values_list("indicator__code", "vintage").distinct():
        pairs[code].append(vintage)
    vintages = {code: chosen_vintages(code, found) for code, found in sorted(pairs.items())}
    datasets = sorted(Dataset.objects.values_list("id", "sha256"))
    resolutions = sorted(Resolution.objects.current(edition.year).values_list("id", "computed_at"))
    # The code is an input too: a computation made by another version of this module is not the same result.
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    text = repr((code, edition.year, edition.checksum, vintages, datasets, [(i, str(t)) for i, t in resolutions]))
    return Inputs(edition, vintages, [pk for pk, _ in datasets], hashlib.sha256(text.encode()).hexdigest())


def latest_edition() -> Edition:
    return Edition.objects.order_by("-year").first()


def read_values(inputs: Inputs) -> dict[tuple[str, str], list[tuple]]:
    """(indicator code, vintage) → [(level, code, value, geography year)], the chosen vintages only."""
    found = defaultdict(list)
    for code, vintages in inputs.vintages.items():
        rows = SourceValue.objects.filter(indicator__code=code, vintage__in=vintages).values_list(
            "vintage", "level", "code", "value", "dataset__geography_year"
        )
        for vintage, level, unit, value, year in rows:
            found[code, vintage].append((level, unit, value, year))
    return found


def commune_matrix(carry, zones, indicator: Indicator, vintages, values) -> np.ndarray:
    """The indicator on the edition's communes, one column per vintage."""
    columns = []
    for vintage in vintages:
        by_level = defaultdict(lambda: defaultdict(dict))
        for level, code, value, year in values[indicator.code, vintage]:
            by_level[level][year][code] = value
        column = np.full(len(carry.codes), np.nan)
        for year, found in by_level[Level.COMMUNE].items():
            carried = carry.onto_communes(year, found, indicator.aggregation)
            column = np.where(np.isnan(column), carried, column)
        for found in by_level[Level.ZONE_EMPLOI].values():
            carried = zones.onto_communes(found, len(carry.codes))
            column = np.where(np.isnan(column), carried, column)
        if indicator.code in ZERO_WHEN_ABSENT:
            column = np.nan_to_num(column, nan=0.0)
        columns.append(column)
    return np.stack(columns, axis=1)


@dataclass
class Result:
    """A computation held in memory before it is written (the bench times both apart)."""

    inputs: Inputs
    keys: list[tuple[str, str, str]]
    regions: list[str]
    series: dict[str, Series]
    report: dict


def calculate(inputs: Inputs) -> Result:
    index = edition_index(inputs.edition.year)
    codes = sorted(index.communes)
    population = np.asarray([float(index.communes[c].population or 0) for c in codes])
    report = {"fusions": {}, "defusions": {}, "unmapped": {}, "straddling": [], "fingerprint": inputs.fingerprint}
    carry = Carry(index, codes, report)
    composition = latest_composition()
    values = read_values(inputs)
    by_year = defaultdict(set)
    by_year[composition[0]] |= set(composition[1])
    for rows in values.values():
        for level, code, _, year in rows:
            if level == Level.COMMUNE:
                by_year[year].add(code)
    for year, found in by_year.items():
        if found:
            carry.prepare(year, found)
    zones = ZoneCarrier.build(carry, composition) if composition[1] else None
    units, segments = build_units(index, codes, population, zones_of_edition(carry, zones))
    total = segments.sum(population[:, None])
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=inputs.vintages).select_related()}
    series = {}
    for code, vintages in inputs.vintages.items():
        indicator = indicators[code]
        if indicator.aggregation in (Aggregation.NONE, Aggregation.RATIO):
            continue
        matrix = commune_matrix(carry, zones, indicator, vintages, values)
        series[code] = Series(vintages, *aggregate(segments, matrix, population, indicator.aggregation, total))
        publish_zone_values(series[code], units.keys, code, values)
    series.update(ratios(indicators, series))
    series.update(derive(series, france_row=0))
    report["regions"] = {
        unit_key(*key): region for key, region in zip(units.keys, units.regions, strict=True) if key[0] in SCORED_LEVELS
    }
    report["fusions_count"] = sum(len(v) for v in report["fusions"].values())
    report["fusions"] = {year: dict(sorted(found.items())[:50]) for year, found in report["fusions"].items()}
    return Result(inputs, units.keys, units.regions, series, report)


def publish_zone_values(series: Series, keys, code: str, values) -> None:
    """A zone d'emploi keeps the value published for it (its aggregate from communes differs where regional parts
    have their own rates, or where a commune straddles two zones)."""
    row_of = {key[2]: u for u, key in enumerate(keys) if key[0] == Level.ZONE_EMPLOI}
    for j, vintage in enumerate(series.vintages):
        for level, unit, value, _ in values[code, vintage]:
            if level == Level.ZONE_EMPLOI and unit in row_of:
                series.values[row_of[unit], j] = value
                series.coverage[row_of[unit], j] = 1.0


def ratios(indicators: dict[str, Indicator], series: dict[str, Series]) -> dict[str, Series]:
    """Shares recomputed from their parts' aggregated values (Aggregation.RATIO)."""
    found = {}
    for indicator in Indicator.objects.filter(aggregation=Aggregation.RATIO).select_related("numerator", "denominator"):
        top, bottom = series.get(indicator.numerator.code), series.get(indicator.denominator.code)
        if top is None or bottom is None:
            continue
        common = [v for v in top.vintages if v in bottom.vintages]
        if common:
            pick_top = [top.vintages.index(v) for v in common]
            pick_bottom = [bottom.vintages.index(v) for v in common]
            with np.errstate(invalid="ignore", divide="ignore"):
                values = top.values[:, pick_top] / bottom.values[:, pick_bottom] * indicator.scale
            values = np.where(np.isfinite(values), values, np.nan)
            coverage = np.fmin(top.coverage[:, pick_top], bottom.coverage[:, pick_bottom])
            found[indicator.code] = Series(common, values, coverage)
    return found


def write(result: Result, *, by=None) -> Computation:
    indicators = dict(Indicator.objects.filter(code__in=result.series).values_list("code", "id"))
    computation = Computation.objects.create(
        edition=result.inputs.edition,
        computed_by=by if by is not None and by.is_authenticated else None,
        vintages={code: s.vintages for code, s in result.series.items()},
        report=result.report,
    )
    computation.datasets.set(result.inputs.datasets)
    rows = []
    for code, series in result.series.items():
        kept = stored_vintages(series.vintages)
        offset = len(series.vintages) - len(kept)
        for j, vintage in enumerate(kept, start=offset):
            values = [None if np.isnan(v) else float(v) for v in series.values[:, j]]
            coverage = [None if np.isnan(v) else round(float(v), 4) for v in series.coverage[:, j]]
            rows.extend(
                (computation.pk, indicators[code], vintage, level, phase_slug, unit, values[u], coverage[u])
                for u, (level, phase_slug, unit) in enumerate(result.keys)
            )
    columns = ["computation_id", "indicator_id", "vintage", "level", "phase_slug", "code", "value", "coverage"]
    insert_rows(UnitValue, columns, rows)
    return computation


def compute(edition: Edition | None = None, *, by=None) -> Computation:
    """Carry and aggregate every indicator on `edition` (default: the latest) and store it as a new computation."""
    ensure_catalogue()
    edition = edition or latest_edition()
    result = calculate(inputs_of(edition))
    with transaction.atomic():
        return write(result, by=by)


def unchanged(edition: Edition | None = None) -> Computation | None:
    """The latest computation of the edition when its inputs have not changed since (nothing to compute)."""
    edition = edition or latest_edition()
    latest = Computation.objects.filter(edition=edition).first()
    if latest is not None and latest.report.get("fingerprint") == inputs_of(edition).fingerprint:
        return latest
    return None
