"""The targeting computation on the real files: unemployment reaches every unit, and a territory's figure equals a
recomputation made here from the official workbooks and the edition's JSON, without the importers or compute.py."""

import json
import re
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.db.models import F

from pilote.geography.models import EpciMembership
from pilote.targeting import catalogue as k
from pilote.targeting.enums import Level
from pilote.targeting.models import Computation, Score, UnitValue
from pilote.territories.models import Resolution, ResolvedCommune

pytestmark = pytest.mark.realdata
PHASE = "2023-2027"
QUARTER = "2023-T3"
NOT_IN_THE_WORKBOOK = {"973", "976"}  # Guyane and Mayotte: INSEE publishes no local unemployment rate there


@pytest.fixture
def computation(db):
    return Computation.objects.filter(edition_id=2026).first()


def unemployment(computation, level, phase_slug=""):
    return dict(
        UnitValue.objects.filter(
            computation=computation,
            indicator__code=k.UNEMPLOYMENT,
            vintage=QUARTER,
            level=level,
            phase_slug=phase_slug,
            value__isnull=False,
        ).values_list("code", "value")
    )


def departements_of_epcis() -> dict[str, set[str]]:
    found = defaultdict(set)
    rows = EpciMembership.objects.filter(edition_id=2026).values_list("epci__siren", "commune__departement_code")
    for siren, departement in rows:
        found[siren].add(departement)
    return found


def test_every_epci_gets_an_unemployment_value_but_those_of_guyane_and_mayotte(computation):
    valued = unemployment(computation, Level.EPCI)
    departements = departements_of_epcis()
    missing = set(departements) - set(valued)
    assert missing == {siren for siren, deps in departements.items() if deps <= NOT_IN_THE_WORKBOOK}
    assert len(valued) >= 1240


def test_every_phase_two_territory_gets_an_unemployment_value(computation):
    resolutions = Resolution.objects.current(2026).filter(version__territory__phase__slug=PHASE)
    codes = set(resolutions.values_list("version__territory__code", flat=True))
    assert len(codes) == 183
    valued = unemployment(computation, Level.TERRITORY, PHASE)
    outside = {
        code
        for code, deps in resolutions.values_list("version__territory__code", "departements")
        if set(deps) <= NOT_IN_THE_WORKBOOK
    }
    assert set(valued) == codes - outside


def test_every_phase_two_territory_is_scored_and_ranked(db):
    scores = Score.objects.filter(level=Level.TERRITORY, phase_slug=PHASE, scoring__computation__edition_id=2026)
    assert scores.filter(rank_national__isnull=False).values("code").distinct().count() >= 180
    assert not scores.filter(rank_low__gt=F("rank_high")).exists()


# -- the independent recomputation ---------------------------------------------------------------------------------


def sheet_rows(path: Path, sheet: str, first: str):
    """The rows of a sheet below the row whose first cell is `first` (the codes row of INSEE workbooks)."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = workbook[sheet].iter_rows(values_only=True)
    for row in rows:
        if row and row[0] == first:
            header = list(row)
            break
    yield header
    yield from rows


def workbook_rates() -> dict[str, float]:
    path = Path(settings.DATA_MIRROR_DIR) / "insee-chomage-ze" / "chomage-zone-t1-2003-t3-2023.xlsx"
    rates = {}
    for sheet, first in (("txcho_ze", "ZE2020"), ("txcho_parties reg", "ZER2020")):
        rows = sheet_rows(path, sheet, first)
        column = next(rows).index(QUARTER)
        rates.update({str(row[0]): float(row[column]) for row in rows if row[0] and row[column] is not None})
    return rates


def composition() -> dict[str, str]:
    """Commune (COG 2023) → code whose rate applies: its regional part (`0059-84` → `8459`) or its zone."""
    path = Path(settings.DATA_MIRROR_DIR) / "insee-zones-emploi" / "ZE2020_au_01-01-2023.xlsx"
    rows = sheet_rows(path, "Composition_communale", "CODGEO")
    header = next(rows)
    zone_at, part_at = header.index("ZE2020"), header.index("ZE2020_PARTIE_REG")
    found = {}
    for row in rows:
        if row[0]:
            part = re.match(r"^00(\d{2})-(\d{2})$", str(row[part_at] or ""))
            found[str(row[0])] = f"{part[2]}{part[1]}" if part else str(row[zone_at])
    return found


def edition(year: int) -> dict[str, dict]:
    path = Path(settings.NODE_MODULES_DIR) / f"cog-{year}" / "data" / "communes.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    return {r["code"]: r for r in records if r["type"] == "commune-actuelle"}


def recomputed(territory_communes, rates, zone_of, communes_2026, communes_2023) -> float:
    """Population-weighted mean (2026 populations) of each commune's rate; a commune nouvelle of 2026 takes the
    mean of its 2023 parts weighted by their 2023 population."""
    total = weight = 0.0
    for code in territory_communes:
        parts = [code] if code in zone_of else [c for c in communes_2026[code].get("anciensCodes", []) if c in zone_of]
        known = [(communes_2023[p].get("population") or 0, rates[zone_of[p]]) for p in parts if zone_of[p] in rates]
        if not known:
            continue
        part_weight = sum(w for w, _ in known)
        rate = sum(w * r for w, r in known) / part_weight if part_weight else known[0][1]
        population = communes_2026[code].get("population") or 0
        total += population * rate
        weight += population
    return total / weight


def test_territory_rates_equal_a_recomputation_from_the_workbooks(computation):
    rates, zone_of = workbook_rates(), composition()
    communes_2026, communes_2023 = edition(2026), edition(2023)
    stored = unemployment(computation, Level.TERRITORY, PHASE)
    resolutions = Resolution.objects.current(2026).filter(version__territory__phase__slug=PHASE)
    chosen = sorted(stored)[::40]  # five territories spread over the list
    assert len(chosen) == 5
    for code in chosen:
        resolution = resolutions.get(version__territory__code=code)
        members = list(ResolvedCommune.objects.filter(resolution=resolution).values_list("code", flat=True))
        expected = recomputed(members, rates, zone_of, communes_2026, communes_2023)
        assert stored[code] == pytest.approx(expected, rel=1e-9), code


def test_a_zone_keeps_the_rate_of_the_workbook(computation):
    rates = workbook_rates()
    stored = unemployment(computation, Level.ZONE_EMPLOI)
    assert len(stored) >= 290
    assert all(stored[code] == rates[code] for code in stored)


def test_candidates_lie_outside_phase_two_with_their_nearest_territory(db):
    from pilote.targeting import index

    scoring = index.latest_scoring()
    found = index.candidates(scoring)
    inside = index.programme_communes(2026)
    members = defaultdict(set)
    for siren, commune in EpciMembership.objects.filter(edition_id=2026).values_list("epci__siren", "commune__code"):
        members[siren].add(commune)
    assert found and all(not members[c.siren] & inside for c in found)
    assert all(c.nearest_code and c.distance_km < 300 for c in found if not c.region_code.startswith("0"))
