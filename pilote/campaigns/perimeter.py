"""Checks and before/after figures of a perimeter change request, computed on the default edition.

The current perimeter is the territory's current version (`Territory.current_version`) projected on that edition; the
proposal adds and removes whole EPCI and single communes; the result is written back as whole EPCI plus the communes
outside them.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

import orjson
import shapely
from django.conf import settings

from pilote.geography.contours import load_geometries
from pilote.geography.projection import EditionIndex, PartialEpci, coverage, edition_index, project_between
from pilote.territories.enums import MemberKind
from pilote.territories.models import Resolution, ResolvedCommune, Territory
from pilote.territories.resolution import DETAIL_TOLERANCE, to_geojson, union
from pilote.territories.search import fold, places
from pilote.territories.services import communes_of_other_territories

LISTED = 10  # names written out in a grouped message; the rest are counted


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
    names: dict[str, str] = field(default_factory=dict)  # « Nom (code) » of the added and removed communes

    @property
    def added_names(self) -> list[str]:
        return sorted((self.names.get(c, c) for c in self.added), key=fold)

    @property
    def removed_names(self) -> list[str]:
        return sorted((self.names.get(c, c) for c in self.removed), key=fold)

    @property
    def added(self) -> list[str]:
        return sorted(self.after.communes - self.before.communes)

    @property
    def removed(self) -> list[str]:
        return sorted(self.before.communes - self.after.communes)


def _clean(codes) -> list[str]:
    return sorted({str(c).strip() for c in codes or () if str(c).strip()})


def current_communes(territory, edition: int) -> set[str]:
    """The communes of the territory's current version on `edition`: its stored resolution when there is one (one
    query), else projected from the version's own edition (which loads that edition's index, about a second)."""
    latest = territory.current_version()
    if latest is None:
        return set()
    stored = ResolvedCommune.objects.filter(resolution__version=latest, resolution__edition_id=edition)
    if Resolution.objects.filter(version=latest, edition_id=edition).exists():
        return set(stored.values_list("code", flat=True))
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
    warnings += _already_in(index, set(_clean(request.add_communes)) & before)
    warnings += _not_in(index, request, before)
    errors += _conflicts(territory, after - before, edition, index)
    if not after:
        errors.append("Le périmètre proposé ne compte plus aucune commune.")
    members, partial = compose(index, after)
    warnings += [
        f"EPCI {p.name} ({p.siren}) inclus en partie seulement : {p.covered} commune(s) sur {p.total}." for p in partial
    ]
    population = lambda codes: sum(index.communes[c].population for c in codes if c in index.communes)  # noqa: E731
    names = {c: commune_name(index, c) for c in before ^ after}
    return CheckResult(
        edition,
        Side(before, population(before)),
        Side(after, population(after)),
        members,
        errors,
        warnings,
        partial,
        names,
    )


def compose(index: EditionIndex, communes: set[str]) -> tuple[list[tuple[str, str]], list[PartialEpci]]:
    """A set of communes written as members: the EPCI it covers whole, then the communes outside them (and the
    EPCI it covers in part)."""
    full, partial = coverage(index, communes)
    in_full = set().union(*(index.epci_members[s] for s in full)) if full else set()
    members = [(MemberKind.EPCI.value, s) for s in full]
    members += [(MemberKind.COMMUNE.value, c) for c in sorted(communes - in_full, key=lambda c: _commune_key(index, c))]
    return members, partial


def _commune_key(index: EditionIndex, code: str) -> tuple[str, str]:
    facts = index.communes.get(code)
    return (fold(facts.name) if facts else "", code)


def commune_name(index: EditionIndex, code: str) -> str:
    facts = index.communes.get(code)
    return f"{facts.name} ({code})" if facts else code


def epci_name(index: EditionIndex, siren: str) -> str:
    found = index.epci_names.get(siren)
    return f"{found[0]} ({siren})" if found else siren


def listed(names: list[str]) -> str:
    """« A, B, C » — past LISTED names, « A, B… et 12 autres »."""
    if len(names) <= LISTED:
        return ", ".join(names)
    return ", ".join(names[:LISTED]) + f"… et {len(names) - LISTED} autres"


def _already_in(index: EditionIndex, codes: set[str]) -> list[str]:
    names = [commune_name(index, c) for c in sorted(codes, key=lambda c: _commune_key(index, c))]
    if len(names) == 1:
        return [f"La commune {names[0]} fait déjà partie du territoire."]
    return [f"{len(names)} communes à ajouter font déjà partie du territoire : {listed(names)}."] if names else []


def _not_in(index: EditionIndex, request, before: set[str]) -> list[str]:
    """What the request removes but the territory does not hold: nothing to remove."""
    outside = [
        epci_name(index, s) for s in _clean(request.remove_epcis) if not index.epci_members.get(s, set()) & before
    ]
    outside += [
        commune_name(index, c) for c in _clean(request.remove_communes) if c in index.communes and c not in before
    ]
    if not outside:
        return []
    return [f"Ne font pas partie du territoire, rien à retirer : {listed(outside)}."]


def _conflicts(territory, added: set[str], edition: int, index: EditionIndex) -> list[str]:
    """The added communes another territory of the phase holds, one message per territory and EPCI:
    « 12 communes de la CC X (SIREN) sont déjà dans le territoire Y (ti-RRNN) de la même phase : … »."""
    if not added:
        return []
    owners = communes_of_other_territories(territory, edition, among=added)
    groups = defaultdict(list)
    for code in sorted(added, key=lambda c: _commune_key(index, c)):
        if code in owners:
            groups[(owners[code], min(index.epcis_of.get(code) or {""}))].append(code)
    if not groups:
        return []
    codes = {owner for owner, _ in groups}
    names = dict(Territory.objects.filter(phase_id=territory.phase_id, code__in=codes).values_list("code", "name"))
    messages = []
    for (owner, siren), communes in sorted(groups.items()):
        where = f"territoire {names.get(owner, owner)} ({owner}) de la même phase"
        if len(communes) == 1:
            messages.append(f"La commune {commune_name(index, communes[0])} fait déjà partie du {where}.")
            continue
        whole = siren and len(communes) == len(index.epci_members.get(siren, ()))
        of = f" de l'EPCI {epci_name(index, siren)}" if siren else ""
        count = f"Les {len(communes)} communes" if whole else f"{len(communes)} communes"
        names_of = listed([commune_name(index, c) for c in communes])
        messages.append(f"{count}{of} sont déjà dans le {where} : {names_of}.")
    return messages


def before_after_geojson(request) -> dict:
    """FeatureCollection of the current contour (its stored resolution, « avant ») and of the communes the request
    adds (« ajout ») and removes (« retrait »): only the changed communes are dissolved, never the whole proposal
    (560 communes took 0.4 s)."""
    result = request.checks()
    resolution = request.file.territory.current_resolution()
    if resolution is not None and resolution.geometry:
        before = orjson.loads(resolution.geometry)
    else:
        before = _shape(result.before.communes)
    features = [
        {"type": "Feature", "properties": {"side": "avant"}, "geometry": before},
        {"type": "Feature", "properties": {"side": "ajout"}, "geometry": _shape(set(result.added))},
        {"type": "Feature", "properties": {"side": "retrait"}, "geometry": _shape(set(result.removed))},
    ]
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def _shape(communes: set[str]) -> dict | None:
    if not communes:
        return None
    contours = load_geometries(communes)
    text = to_geojson(union(list(contours.values())), DETAIL_TOLERANCE)
    return orjson.loads(text) if text else None


NEARBY_MARGIN = 0.15  # of the perimeter's extent, on each side


def nearby_communes_geojson(request_or_none, territory, edition: int | None = None) -> dict:
    """The communes a team may click on the request's map: those of the current perimeter and of the proposal,
    and the communes of their départements within their extent (plus a margin); each with its name and whether
    the proposal holds it (`in`)."""
    edition = edition or settings.DEFAULT_EDITION
    index = edition_index(edition)
    result = request_or_none.checks() if request_or_none is not None else None
    inside = result.after.communes if result else current_communes(territory, edition)
    near = inside | (result.before.communes if result else set())
    own = load_geometries(near)
    if not own:
        return {"type": "FeatureCollection", "features": []}
    west, south, east, north = shapely.total_bounds(list(own.values()))
    dx, dy = (east - west) * NEARBY_MARGIN, (north - south) * NEARBY_MARGIN
    frame = shapely.box(west - dx, south - dy, east + dx, north + dy)
    departements = {index.communes[c].departement for c in near if c in index.communes}
    around = [c for c, facts in index.communes.items() if facts.departement in departements and c not in own]
    others = {c: g for c, g in load_geometries(around).items() if frame.intersects(g)}
    contours = own | others
    codes = sorted(contours)
    shapes = shapely.to_geojson(shapely.set_precision([contours[c] for c in codes], 10**-4))
    features = [
        {
            "type": "Feature",
            "properties": {"code": c, "name": commune_name(index, c), "in": c in inside},
            "geometry": orjson.loads(shape),
        }
        for c, shape in zip(codes, shapes, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


# --- EPCI and communes found by name, code or SIREN (the request's combobox and its plain fields) ----------------

CODE_AT_END = re.compile(r"\(\s*(\d{9}|\d[\dAB]\d{3})\s*\)\s*$")  # « CC du Coiron (200071405) », as listed
BARE_CODE = re.compile(r"\d{9}|\d[\dAB]\d{3}")
CANDIDATES_SHOWN = 8


class PlaceRefused(ValueError):
    """A text naming no place, or several: `str()` is the French message, listing the candidates."""


@dataclass(frozen=True)
class Place:
    kind: str  # MemberKind: "epci" or "commune"
    code: str  # SIREN or INSEE code
    name: str
    departements: str  # « Ardèche (07) », « Ain (01), Jura (39) »

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kind_label(self) -> str:
        return "EPCI" if self.kind == MemberKind.EPCI else "Commune"

    def as_json(self, territory_communes: set[str], index: EditionIndex) -> dict:
        members = index.epci_members.get(self.code, {self.code}) if self.kind == MemberKind.EPCI else {self.code}
        return {
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "kind_label": self.kind_label,
            "departements": self.departements,
            "in_territory": bool(members) and members <= territory_communes,
        }


def place(index: EditionIndex, kind: str, code: str, departement_names: dict[str, str]) -> Place:
    """An EPCI or a commune of the index, named with its département(s)."""
    if kind == MemberKind.EPCI:
        name = index.epci_names[code][0]
        codes = sorted({index.communes[c].departement for c in index.epci_members[code] if c in index.communes})
    else:
        name, codes = index.communes[code].name, [index.communes[code].departement]
    return Place(kind, code, name, ", ".join(f"{departement_names.get(d, d)} ({d})" for d in codes))


def search_places(text: str, edition: int, departement_names: dict[str, str], *, limit: int = 10) -> list[Place]:
    """EPCI then communes matching a name, a SIREN or an INSEE code (`territories.search.places`)."""
    index = edition_index(edition)
    epcis, communes = places(text, edition, limit=limit)
    found = [place(index, MemberKind.EPCI, e.siren, departement_names) for e in epcis if e.siren in index.epci_names]
    found += [place(index, MemberKind.COMMUNE, c.code, departement_names) for c in communes if c.code in index.communes]
    return found[:limit]


def resolve_place(text: str, edition: int, departement_names: dict[str, str]) -> Place:
    """The one EPCI or commune a text names: by the code it ends with or is, else by its name (an exact name wins
    over names that only contain it); else PlaceRefused with the candidates."""
    index = edition_index(edition)
    text = text.strip()
    found = CODE_AT_END.search(text)
    code = found.group(1) if found else (text if BARE_CODE.fullmatch(text) else None)
    if code is not None:
        if code in index.epci_names:
            return place(index, MemberKind.EPCI, code, departement_names)
        code = index.commune_by_siren.get(code, code)
        if code in index.communes:
            return place(index, MemberKind.COMMUNE, code, departement_names)
        raise PlaceRefused(f"Aucun EPCI ni aucune commune n'a le code {code} dans le COG {edition}.")
    candidates = search_places(text, edition, departement_names, limit=50) if len(text) >= 2 else []
    exact = [p for p in candidates if fold(p.name) == fold(text)]
    chosen = exact or candidates
    if len(chosen) == 1:
        return chosen[0]
    if not chosen:
        raise PlaceRefused(f"Aucun EPCI ni aucune commune ne correspond à « {text} » dans le COG {edition}.")
    shown = "; ".join(f"{p.label}, {p.departements}" for p in chosen[:CANDIDATES_SHOWN])
    more = f" (et {len(chosen) - CANDIDATES_SHOWN} autres)" if len(chosen) > CANDIDATES_SHOWN else ""
    raise PlaceRefused(
        f"« {text} » désigne plusieurs lieux : {shown}{more}. Choisissez-en un dans la liste ou saisissez son code "
        "INSEE ou son SIREN."
    )


def named_members(index: EditionIndex, members: list[tuple[str, str]], departement_names) -> list[Place]:
    return [place(index, kind, code, departement_names) for kind, code in members if _known(index, kind, code)]


def _known(index: EditionIndex, kind: str, code: str) -> bool:
    return code in (index.epci_names if kind == MemberKind.EPCI else index.communes)


@dataclass
class RequestLine:
    """One list of the request as the page shows it: its field name (for the « drop » buttons), its title and its
    places, named."""

    field: str
    title: str
    places: list[Place]


LINES = [
    ("add_epcis", "EPCI à ajouter", MemberKind.EPCI),
    ("add_communes", "Communes à ajouter", MemberKind.COMMUNE),
    ("remove_epcis", "EPCI à retirer", MemberKind.EPCI),
    ("remove_communes", "Communes à retirer", MemberKind.COMMUNE),
]


def request_lines(request, index: EditionIndex, departement_names: dict[str, str]) -> list[RequestLine]:
    return [
        RequestLine(
            name, title, named_members(index, [(kind, c) for c in _clean(getattr(request, name))], departement_names)
        )
        for name, title, kind in LINES
    ]


def composition(communes: set[str], index: EditionIndex, departement_names: dict[str, str]) -> list[Place]:
    """A perimeter as people read it: the EPCI it holds whole, then the other communes, named."""
    members, _partial = compose(index, communes)
    return named_members(index, members, departement_names)
