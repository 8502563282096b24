"""Rows of the targeting capability written directly by the tests, on the tiny France (tests/world.py): 01003 merges
into 01002 between COG 2023 and COG 2026; CC Alpha = 01001 + 01002, CA Beta = 01004 + 39001, CC Gamma = 39002."""

import pytest

from pilote.geography.projection import edition_index
from pilote.targeting import catalogue as k
from pilote.targeting import compute as c
from pilote.targeting.enums import Level
from pilote.targeting.models import Dataset, Indicator, SourceValue, ZoneCommune

# 2023 composition of the zones d'emploi
ZONES = {"01001": "0001", "01002": "0001", "01003": "0001", "01004": "0002", "39001": "0002", "39002": "0003"}


class Data:
    """Writes datasets and values the way the importers do."""

    def __init__(self):
        k.ensure_catalogue()
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self.count = 0

    def values(self, code: str, vintage: str, values: dict, *, level=Level.COMMUNE, year=2023):
        self.count += 1
        dataset = Dataset.objects.create(
            source=f"test-{self.count}", file_name="f", sha256=f"{self.count:064d}", geography_year=year
        )
        SourceValue.objects.bulk_create(
            SourceValue(dataset=dataset, indicator=self.indicators[code], vintage=vintage, level=level, code=k, value=v)
            for k, v in values.items()
        )
        return dataset

    def zones(self, composition=None, *, year=2023, parts=None):
        self.count += 1
        dataset = Dataset.objects.create(
            source=f"ze-{self.count}", file_name="ze", sha256=f"{self.count:064d}", geography_year=year
        )
        ZoneCommune.objects.bulk_create(
            ZoneCommune(
                dataset=dataset,
                geography_year=year,
                commune_code=k,
                zone_code=v,
                zone_part_code=(parts or {}).get(k, ""),
            )
            for k, v in (composition or ZONES).items()
        )

    def unemployment(self, by_zone: dict[str, list[float]], last="2023-T3"):
        """One series per zone, ending at `last`, oldest first."""
        end = c.quarter_number(last)
        n = len(next(iter(by_zone.values())))
        for i in range(n):
            vintage = c.quarter_label(end - n + 1 + i)
            self.values(k.UNEMPLOYMENT, vintage, {z: s[i] for z, s in by_zone.items()}, level=Level.ZONE_EMPLOI)


@pytest.fixture
def data(mini_world):
    edition_index.cache_clear()
    yield Data()
    edition_index.cache_clear()


def make_version(
    weights: dict[str, float], *, number=2, transformation="rank", missing="renormalise", thresholds=None, publish=True
):
    from pilote.targeting import index
    from pilote.targeting.models import Method, MethodVersion, MethodWeight

    method, _ = Method.objects.get_or_create(slug="essai", defaults={"name": "Essai"})
    version = MethodVersion.objects.create(
        method=method,
        number=number,
        transformation=transformation,
        missing_values=missing,
        thresholds=thresholds or {},
    )
    for code, weight in weights.items():
        MethodWeight.objects.create(version=version, indicator=Indicator.objects.get(code=code), weight=weight)
    if publish:
        index.publish(version)
    return version


def make_computation(
    values: dict[str, dict[str, float | None]], *, level=Level.EPCI, phase_slug="", vintage="2023", regions=None
):
    """A computation holding `values`: indicator code → {unit code: value}."""
    from pilote.targeting.models import Computation, UnitValue

    regions = regions or {}
    codes = {unit for found in values.values() for unit in found}
    computation = Computation.objects.create(
        edition_id=2026,
        vintages={code: [vintage] for code in values},
        report={"regions": {c.unit_key(level, phase_slug, u): regions.get(u, "84") for u in codes}},
    )
    UnitValue.objects.bulk_create(
        UnitValue(
            computation=computation,
            indicator=Indicator.objects.get(code=code),
            vintage=vintage,
            level=level,
            phase_slug=phase_slug,
            code=unit,
            value=v,
            coverage=1.0,
        )
        for code, found in values.items()
        for unit, v in found.items()
    )
    return computation
