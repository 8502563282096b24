"""Checks and before/after figures of a perimeter change request, computed on the default edition.

The current perimeter is the territory's current version (`Territory.current_version`) projected on that edition; the
proposal adds and removes whole EPCI and single communes; the result is written back as whole EPCI plus the communes
outside them.
"""

from dataclasses import dataclass, field

import orjson
from django.conf import settings

from pilote.geography.contours import load_geometries
from pilote.geography.projection import PartialEpci, coverage, edition_index, project_between
from pilote.territories.enums import MemberKind
from pilote.territories.resolution import DETAIL_TOLERANCE, to_geojson, union
from pilote.territories.services import communes_of_other_territories


@dataclass
class Side:
    communes: set[str]
    population: int

    @property
    def communes_count(self) -> int:
        return len(self.communes)


@dataclass
class CheckResult:
    edition: int
    before: Side
    after: Side
    members: list[tuple[str, str]]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    partial_epcis: list[PartialEpci] = field(default_factory=list)

    @property
    def added(self) -> list[str]:
        return sorted(self.after.communes - self.before.communes)

    @property
    def removed(self) -> list[str]:
        return sorted(self.before.communes - self.after.communes)


def _clean(codes) -> list[str]:
    return sorted({str(c).strip() for c in codes or () if str(c).strip()})


def current_communes(territory, edition: int) -> set[str]:
    latest = territory.current_version()
    if latest is None:
        return set()
    members = list(latest.members.all())
    return project_between(
        edition_index(latest.edition_id),
        edition_index(edition),
        communes=[m.code for m in members if m.kind == MemberKind.COMMUNE],
        epcis=[m.code for m in members if m.kind == MemberKind.EPCI],
    ).communes


def check_request(request, edition: int | None = None) -> CheckResult:
    edition = edition or settings.DEFAULT_EDITION
    index = edition_index(edition)
    territory = request.file.territory
    before = current_communes(territory, edition)
    after, errors, warnings = set(before), [], []
    for siren in _clean(request.add_epcis) + _clean(request.remove_epcis):
        if siren not in index.epci_members:
            errors.append(f"EPCI {siren} inconnu du COG {edition} (SIREN à 9 chiffres attendu).")
    for code in _clean(request.add_communes) + _clean(request.remove_communes):
        if code not in index.communes:
            errors.append(f"Commune {code} inconnue du COG {edition} (code INSEE à 5 caractères attendu).")
    for siren in _clean(request.add_epcis):
        after |= index.epci_members.get(siren, set())
    after |= {c for c in _clean(request.add_communes) if c in index.communes}
    for siren in _clean(request.remove_epcis):
        after -= index.epci_members.get(siren, set())
    after -= set(_clean(request.remove_communes))
    already = set(_clean(request.add_communes)) & before
    warnings += [f"La commune {c} fait déjà partie du territoire." for c in sorted(already)]
    errors += _conflicts(territory, after - before, edition)
    if not after:
        errors.append("Le périmètre proposé ne compte plus aucune commune.")
    full, partial = coverage(index, after)
    warnings += [
        f"EPCI {p.name} ({p.siren}) inclus en partie seulement : {p.covered} commune(s) sur {p.total}." for p in partial
    ]
    in_full = set().union(*(index.epci_members[s] for s in full)) if full else set()
    members = [(MemberKind.EPCI.value, s) for s in full] + [
        (MemberKind.COMMUNE.value, c) for c in sorted(after - in_full)
    ]
    population = lambda codes: sum(index.communes[c].population for c in codes if c in index.communes)  # noqa: E731
    return CheckResult(
        edition, Side(before, population(before)), Side(after, population(after)), members, errors, warnings, partial
    )


def _conflicts(territory, added: set[str], edition: int) -> list[str]:
    owners = communes_of_other_territories(territory, edition)
    return [
        f"La commune {code} fait déjà partie du territoire {owners[code]} de la même phase."
        for code in sorted(added)
        if code in owners
    ]


def before_after_geojson(request) -> dict:
    """FeatureCollection with the current contour (stored resolution) and the proposed one (union of contours)."""
    result = request.checks()
    resolution = request.file.territory.current_resolution()
    if resolution is not None and resolution.geometry:
        before = orjson.loads(resolution.geometry)
    else:
        before = _shape(result.before.communes)
    features = [
        {"type": "Feature", "properties": {"side": "avant"}, "geometry": before},
        {"type": "Feature", "properties": {"side": "après"}, "geometry": _shape(result.after.communes)},
    ]
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def _shape(communes: set[str]) -> dict | None:
    contours = load_geometries(communes)
    text = to_geojson(union(list(contours.values())), DETAIL_TOLERANCE)
    return orjson.loads(text) if text else None
