"""Project a set of communes and EPCI of one edition onto another edition.

Communes merge into communes nouvelles (their old codes survive as `anciensCodes`), and EPCI merge, split or
change SIREN. A perimeter given in edition A is only comparable with one of edition B after this projection.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .enums import CommuneKind
from .models import Commune, CommuneLineage, Edition, Epci, EpciMembership
from .signals import edition_imported


class UnknownEdition(LookupError):
    pass


@dataclass(frozen=True)
class CommuneFacts:
    name: str
    population: int
    departement: str
    region: str


@dataclass
class EditionIndex:
    """Everything a projection or a resolution needs about one edition, read once."""

    year: int
    communes: dict[str, CommuneFacts] = field(default_factory=dict)  # current communes only
    parent_of: dict[str, str] = field(default_factory=dict)  # déléguée/associée/arrondissement → current
    successors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # old code → current
    predecessors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # current → old codes
    epci_members: dict[str, set[str]] = field(default_factory=dict)
    epci_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # siren → (name, kind)
    epcis_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    commune_by_siren: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, year: int) -> "EditionIndex":
        """Four queries without joins: ids are mapped to codes here, which is several times faster."""
        if not Edition.objects.filter(year=year).exists():
            raise UnknownEdition(year)
        index = cls(year=year)
        rows = Commune.objects.filter(edition_id=year).values_list(
            "id", "code", "kind", "name", "population", "departement_code", "region_code", "siren", "parent_id"
        )
        code_of, parent_of = {}, {}
        for pk, code, kind, name, population, dep, reg, siren, parent_id in rows:
            code_of[pk] = code
            if kind == CommuneKind.CURRENT:
                index.communes[code] = CommuneFacts(name, population or 0, dep, reg)
                if siren:
                    index.commune_by_siren[siren] = code
            elif parent_id:
                parent_of.setdefault(code, parent_id)
        index.parent_of = {code: code_of[pk] for code, pk in parent_of.items()}
        for old, commune_id in CommuneLineage.objects.filter(edition_id=year).values_list("old_code", "commune_id"):
            index.successors[old].add(code_of[commune_id])
            index.predecessors[code_of[commune_id]].add(old)
        siren_of = {}
        for pk, siren, name, kind in Epci.objects.filter(edition_id=year).values_list("id", "siren", "name", "kind"):
            siren_of[pk] = siren
            index.epci_names[siren] = (name, kind)
            index.epci_members[siren] = set()
        for epci_id, commune_id in EpciMembership.objects.filter(edition_id=year).values_list("epci_id", "commune_id"):
            index.epci_members[siren_of[epci_id]].add(code_of[commune_id])
            index.epcis_of[code_of[commune_id]].add(siren_of[epci_id])
        return index


@lru_cache(maxsize=8)
def edition_index(year: int) -> EditionIndex:
    return EditionIndex.load(year)


def _forget_indexes(**kwargs):
    edition_index.cache_clear()


edition_imported.connect(_forget_indexes, dispatch_uid="projection-forget-indexes")


@dataclass
class PartialEpci:
    siren: str
    name: str
    covered: int
    total: int


@dataclass
class Projection:
    source: int
    target: int
    communes: set[str]
    unmapped_communes: list[str]
    unknown_epcis: list[str]
    full_epcis: list[str]
    partial_epcis: list[PartialEpci]


def map_commune(code: str, source: EditionIndex, target: EditionIndex) -> set[str]:
    """Current communes of `target` that hold the territory of commune `code` of `source`."""
    found = set()
    if code in target.communes:
        found.add(code)
    found |= target.successors.get(code, set())
    if code in target.parent_of:
        found.add(target.parent_of[code])
    # Backwards in time: a commune nouvelle of `source` covers its old communes that still exist in `target`.
    found |= {old for old in source.predecessors.get(code, ()) if old in target.communes}
    return found


def expand(source: EditionIndex, *, communes=(), epcis=()) -> tuple[set[str], list[str], list[str]]:
    """Codes of `source` (communes, EPCI SIRENs) → current communes of `source`, plus what is unknown there."""
    result, unknown_communes, unknown_epcis = set(), [], []
    for siren in epcis:
        if siren in source.epci_members:
            result |= source.epci_members[siren]
        else:
            unknown_epcis.append(siren)
    for code in communes:
        if code in source.communes:
            result.add(code)
        elif code in source.parent_of:
            result.add(source.parent_of[code])
        else:
            unknown_communes.append(code)
    return result, sorted(unknown_communes), sorted(unknown_epcis)


def coverage(target: EditionIndex, communes: set[str]) -> tuple[list[str], list[PartialEpci]]:
    """EPCI of `target` fully and partly covered by `communes`."""
    touched = set()
    for code in communes:
        touched |= target.epcis_of.get(code, set())
    full, partial = [], []
    for siren in sorted(touched):
        members = target.epci_members[siren]
        covered = len(members & communes)
        if covered == len(members):
            full.append(siren)
        else:
            partial.append(PartialEpci(siren, target.epci_names[siren][0], covered, len(members)))
    return full, partial


def project_between(src: EditionIndex, dst: EditionIndex, *, communes=(), epcis=()) -> Projection:
    expanded, unknown_communes, unknown_epcis = expand(src, communes=communes, epcis=epcis)
    projected, unmapped = set(), list(unknown_communes)
    for code in sorted(expanded):
        images = map_commune(code, src, dst) if src.year != dst.year else {code}
        if images:
            projected |= images
        else:
            unmapped.append(code)
    full, partial = coverage(dst, projected)
    return Projection(src.year, dst.year, projected, sorted(unmapped), unknown_epcis, full, partial)


def project(*, source: int, target: int, communes=(), epcis=()) -> Projection:
    return project_between(edition_index(source), edition_index(target), communes=communes, epcis=epcis)
