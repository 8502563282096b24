"""How the map evolved between two phases, on a common edition of the geography."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Max

from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune

from .models import PerimeterVersion, Phase, Resolution, ResolvedCommune
from .resolution import ensure_resolved


@dataclass
class Overlap:
    code: str
    name: str
    communes: int
    population: int


@dataclass
class TerritoryEvolution:
    code: str
    name: str
    communes: int
    population: int
    overlaps: list[Overlap] = field(default_factory=list)  # with territories of the other phase
    communes_outside: int = 0  # communes in no territory of the other phase
    population_outside: int = 0


@dataclass
class PhaseComparison:
    old: Phase
    new: Phase
    edition: int
    old_on: date | None
    new_on: date | None
    summary: dict[str, int]
    new_territories: list[TerritoryEvolution]  # each territory of the new phase: where it comes from
    old_territories: list[TerritoryEvolution]  # each territory of the old phase: where its communes went
    cache_key: str = ""  # set when it comes from the cache: pages key their rendered fragments on it


def _owners(versions: list[PerimeterVersion], edition: int) -> dict[str, str]:
    """Commune code → territory code, for a map state (resolving the versions not yet resolved)."""
    ensure_resolved(versions, edition)
    rows = ResolvedCommune.objects.filter(resolution__version__in=versions, resolution__edition_id=edition).values_list(
        "code", "resolution__version__territory__code"
    )
    return dict(rows)


def _evolutions(versions, own, other, names_other, population) -> list[TerritoryEvolution]:
    by_territory = defaultdict(list)
    for code, territory in own.items():
        by_territory[territory].append(code)
    out = []
    for version in sorted(versions, key=lambda v: v.territory.code):
        codes = by_territory.get(version.territory.code, [])
        shared = defaultdict(lambda: [0, 0])
        evolution = TerritoryEvolution(
            version.territory.code,
            version.territory.name,
            len(codes),
            sum(population.get(c, 0) for c in codes),
        )
        for code in codes:
            target = other.get(code)
            if target is None:
                evolution.communes_outside += 1
                evolution.population_outside += population.get(code, 0)
            else:
                shared[target][0] += 1
                shared[target][1] += population.get(code, 0)
        evolution.overlaps = sorted(
            (Overlap(code, names_other[code], n, pop) for code, (n, pop) in shared.items()),
            key=lambda o: (-o.communes, o.code),
        )
        out.append(evolution)
    return out


def compare_phases(
    *, old: Phase, new: Phase, edition: int, old_on: date | None = None, new_on: date | None = None
) -> PhaseComparison:
    old_versions = PerimeterVersion.objects.state_of(old, old_on)
    new_versions = PerimeterVersion.objects.state_of(new, new_on)
    old_owner, new_owner = _owners(old_versions, edition), _owners(new_versions, edition)
    population = dict(
        Commune.objects.filter(edition_id=edition, kind=CommuneKind.CURRENT).values_list("code", "population")
    )
    population = {k: v or 0 for k, v in population.items()}
    old_codes, new_codes = set(old_owner), set(new_owner)

    def pop(codes):
        return sum(population.get(c, 0) for c in codes)

    new_evolutions = _evolutions(
        new_versions,
        new_owner,
        old_owner,
        {v.territory.code: v.territory.name for v in old_versions},
        population,
    )
    old_evolutions = _evolutions(
        old_versions,
        old_owner,
        new_owner,
        {v.territory.code: v.territory.name for v in new_versions},
        population,
    )
    staying, leaving, entering = old_codes & new_codes, old_codes - new_codes, new_codes - old_codes
    summary = {
        "territories_old": len(old_versions),
        "territories_new_phase": len(new_versions),
        "communes_old": len(old_codes),
        "communes_new": len(new_codes),
        "communes_staying": len(staying),
        "communes_leaving": len(leaving),
        "communes_entering": len(entering),
        "population_staying": pop(staying),
        "population_leaving": pop(leaving),
        "population_entering": pop(entering),
        "territories_new": sum(1 for e in new_evolutions if not e.overlaps),
        "territories_gone": sum(1 for e in old_evolutions if not e.overlaps),
    }
    return PhaseComparison(old, new, edition, old_on, new_on, summary, new_evolutions, old_evolutions)


def _data_token() -> str:
    """Changes whenever a comparison could: a new perimeter version, a withdrawal or an edition re-import each
    write resolutions, which carry the time they were computed (ids alone could be reused after a delete)."""
    figures = Resolution.objects.aggregate(last=Max("computed_at"), count=Count("id"))
    return f"{figures['last']:%Y%m%d%H%M%S%f}-{figures['count']}" if figures["last"] else "none"


def compare_phases_cached(
    *, old: Phase, new: Phase, edition: int, old_on: date | None = None, new_on: date | None = None
) -> PhaseComparison:
    """`compare_phases`, kept in the cache until the data it reads changes (one query to know)."""
    key = f"compare:{old.slug}:{new.slug}:{edition}:{old_on}:{new_on}:{_data_token()}"
    comparison = cache.get(key)
    if comparison is None:
        comparison = compare_phases(old=old, new=new, edition=edition, old_on=old_on, new_on=new_on)
        comparison.cache_key = key
        cache.set(key, comparison, timeout=24 * 3600)
    return comparison
