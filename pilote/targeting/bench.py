"""Benchmark sections of `manage.py bench`:
(k) importing the zones d'emploi and unemployment workbooks (target ≤ 3 s together);
(l) the computation of every indicator on every unit (both phases' territories, every EPCI, zones, départements,
régions, France) and the fragility index with its rank stability (1,000 draws of the weights for all units). On a
database without imported values (l) writes synthetic ones of the real sizes (every commune, 24 quarters of
unemployment by zone, 4,400 poverty rates…). Both inside a transaction rolled back."""

import numpy as np
from django.db import transaction

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.core.sources import fetch_named
from pilote.geography.projection import edition_index

from . import catalogue as k
from . import compute as c
from . import index
from .enums import Level
from .importers import SOURCES, write
from .models import Dataset, Indicator, SourceValue, ZoneCommune

WORKBOOKS = ("insee-ze2020-composition", "insee-chomage-ze")
TARGET_SECONDS = 3


class ImportBench(BenchSection):
    """Section (k): both workbooks read (header found, every quarter) and written, in a transaction rolled back;
    the datasets already imported are set aside first, so that the import really writes."""

    def run(self, runs: int) -> None:
        self.section("(k) import of the ZE2020 composition and the local unemployment workbooks")
        paths = {name: fetch_named(name) for name in WORKBOOKS}
        total = 0.0
        try:
            with transaction.atomic():
                Dataset.objects.filter(source__in=WORKBOOKS).delete()
                for name in WORKBOOKS:
                    with timer() as elapsed:
                        outcome = write(SOURCES[name].parse(paths[name]))
                    total += elapsed()
                    report = outcome.parsed.report
                    self.row(f"{name}: {report.read} rows read, {report.mapped} kept", f"{elapsed():.2f} s")
                raise Rollback
        except Rollback:
            pass
        self.row("both workbooks, read and written", f"{total:.2f} s", f"target ≤ {TARGET_SECONDS} s", total <= 3)


COMPUTE_TARGET_S = 2.0
STABILITY_TARGET_S = 2.0
SCORE_TARGET_S = 2.0


class TargetingBench(BenchSection):
    """Section (l) of the bench (declared in the app's AppConfig.bench_sections)."""

    def run(self, runs: int) -> None:
        self.section("(l) targeting: indicators on every unit, fragility index and its stability (data rolled back)")
        edition = c.latest_edition()
        try:
            with transaction.atomic():
                if not SourceValue.objects.exists():
                    with timer() as built:
                        count = synthetic_values(edition.year)
                    self.row(f"no imported values: {count:,} synthetic source values written", f"{built():.2f} s")
                self.time_compute(edition, runs)
                raise Rollback
        except Rollback:
            pass

    def time_compute(self, edition, runs: int):
        k.ensure_catalogue()
        with timer() as read:
            inputs = c.inputs_of(edition)
        times, result = [], None
        for _ in range(max(runs, 1)):
            with timer() as elapsed:
                result = c.calculate(inputs)
            times.append(elapsed())
        units = len(result.keys)
        total = read() + min(times)
        self.row(
            f"compute: {len(result.series)} indicators × {units:,} units (read, carry, aggregate, derive)",
            f"{total:.2f} s",
            f"target ≤ {COMPUTE_TARGET_S:.0f} s",
            total <= COMPUTE_TARGET_S,
        )
        with timer() as written:
            computation = c.write(result)
        self.row(f"compute: {computation.values.count():,} unit values written", f"{written():.2f} s")
        version = index.ensure_default_method()
        indicators, weights = index.method_parts(version)
        groups = index.groups_of(computation, indicators)
        with timer() as stability:
            rng = np.random.default_rng(index.SEED)
            for group in groups:
                transformed = index.transform(group.matrix, [i.direction for i in indicators], version.transformation)
                values, mask = index.fill_missing(transformed, version.missing_values, version.transformation)
                index.rank_intervals(values, mask, weights, rng, index.DRAWS)
        scored = sum(len(g.codes) for g in groups)
        self.row(
            f"stability: {index.DRAWS:,} weight draws × {scored:,} units in {len(groups)} groups",
            f"{stability():.2f} s",
            f"target ≤ {STABILITY_TARGET_S:.0f} s",
            stability() <= STABILITY_TARGET_S,
        )
        with timer() as scoring:
            done = index.score(computation, version)
        self.row(
            f"score: {done.scores.count():,} scores (ranks, contributions, stability) written",
            f"{scoring():.2f} s",
            f"target ≤ {SCORE_TARGET_S:.0f} s",
            scoring() <= SCORE_TARGET_S,
        )


def synthetic_values(year: int) -> int:
    """Values of the real sizes on the edition's communes, for a database where nothing was imported yet."""
    rng = np.random.default_rng(0)
    communes = sorted(edition_index(year).communes.items())
    dataset = Dataset.objects.create(source="bench", file_name="synthétique", sha256="0" * 64, geography_year=year)
    k.ensure_catalogue()
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = []

    def add(code, vintage, level, unit, value):
        rows.append(
            SourceValue(
                dataset=dataset, indicator=indicators[code], vintage=vintage, level=level, code=unit, value=float(value)
            )
        )

    zones = {}
    if not ZoneCommune.objects.exists():
        ZoneCommune.objects.bulk_create(
            ZoneCommune(
                dataset=dataset,
                geography_year=year,
                commune_code=code,
                zone_code=zones.setdefault(facts.departement.rjust(4, "0"), facts.departement.rjust(4, "0")),
            )
            for code, facts in communes
        )
    zone_codes = sorted(set(ZoneCommune.objects.values_list("zone_code", flat=True)))
    for code, facts in communes:
        add(k.POPULATION, "2016", Level.COMMUNE, code, facts.population * rng.uniform(0.9, 1.1))
        add(k.POPULATION, "2021", Level.COMMUNE, code, facts.population)
        add(k.INDUSTRIAL_JOBS, "2023", Level.COMMUNE, code, facts.population * 0.05)
        add(k.INDUSTRIAL_JOBS, "2024", Level.COMMUNE, code, facts.population * 0.05 * rng.uniform(0.9, 1.05))
    for code, _ in sorted(communes, key=lambda item: -item[1].population)[:4400]:
        add(k.POVERTY, "2019", Level.COMMUNE, code, rng.uniform(5, 30))
    for code, _ in communes[::7]:
        add(k.BROWNFIELDS, "2024", Level.COMMUNE, code, rng.integers(1, 5))
    first = c.quarter_number("2023-T3") - 23
    for zone in zone_codes:
        level = rng.uniform(5, 12)
        for q in range(24):
            add(k.UNEMPLOYMENT, c.quarter_label(first + q), Level.ZONE_EMPLOI, zone, level + rng.normal(0, 0.3))
    SourceValue.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
