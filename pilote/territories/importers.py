"""Read the programme's files (ANCT, see data/manifest.toml) into perimeter records, check them, write them.

- Phase 1, October 2020: one row per commune (code INSEE of COG 2020) → commune members pinned to edition 2020.
- Phase 1, end 2022: dissolved polygons only. The composition is derived: a commune of the contour geography
  (COG 2026) belongs to the territory whose polygon holds its interior point (`point_on_surface`); when generalised
  polygons overlap, the polygon covering the larger share of the commune wins. Three territories made of some
  communes of a métropole (Aix-Marseille, Carros, Toulon) are given as points, one per commune: each commune whose
  contour holds one of the points belongs to the territory.
- Phase 2, 2023: `liste_geo` lists groupings as `label (SIREN)`, resolved on COG 2023: EPCI, EPT, or a commune
  listed by its own SIREN (stored as a commune member with its INSEE code).
"""

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson
import shapely
from django.db import transaction

from pilote.geography.models import CommuneContour
from pilote.geography.projection import edition_index, expand, project_between

from .enums import MemberKind
from .models import PerimeterMember, PerimeterVersion, Phase, Territory

PHASES = {
    "2018-2022": ("Phase 1 (2018–2022)", 2018, 2022),
    "2023-2027": ("Phase 2 (2023–2027)", 2023, 2027),
}
TERRITORY_CODE = re.compile(r"^ti-(\d{2})(\d{2})$")
LISTE_GEO_ITEM = re.compile(r"^\s*(?P<label>.*?)\s*\((?P<siren>\d{9})\)\s*$")


class PerimeterFileError(Exception):
    """The file is refused; `problems` lists every reason, for the person who has to fix it."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__(message + "".join(f"\n  - {p}" for p in self.problems[:50]))


@dataclass
class TerritoryRecord:
    code: str
    name: str
    members: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, code) → label

    @property
    def region_code(self) -> str:
        return TERRITORY_CODE.match(self.code).group(1)


@dataclass
class PerimeterFile:
    phase_slug: str
    source: str
    edition: int
    valid_on: date
    reason: str
    territories: dict[str, TerritoryRecord]


def ensure_phases() -> dict[str, Phase]:
    phases = {}
    for slug, (name, start, end) in PHASES.items():
        phases[slug], _ = Phase.objects.get_or_create(
            slug=slug, defaults={"name": name, "starts_on_year": start, "ends_on_year": end}
        )
    return phases


def _record(records: dict[str, TerritoryRecord], code: str, name: str, problems: list[str]) -> TerritoryRecord | None:
    if not TERRITORY_CODE.match(code):
        problems.append(f"code de territoire invalide : {code!r}")
        return None
    return records.setdefault(code, TerritoryRecord(code=code, name=name.strip()))


# --- parsers -----------------------------------------------------------------------------------------------------


def parse_phase1_communes(path: Path) -> PerimeterFile:
    records, problems = {}, []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"code_commune", "code_ti", "libelle_ti"} - set(reader.fieldnames or ())
        if missing:
            raise PerimeterFileError(f"{path.name}: colonnes manquantes", sorted(missing))
        for line, row in enumerate(reader, start=2):
            record = _record(records, f"ti-{row['code_ti'].strip()}", row["libelle_ti"], problems)
            if record is None:
                problems[-1] = f"ligne {line} : {problems[-1]}"
            else:
                record.members[(MemberKind.COMMUNE.value, row["code_commune"].strip())] = ""
    if problems:
        raise PerimeterFileError(f"{path.name}: fichier refusé", problems)
    return PerimeterFile(
        "2018-2022",
        "ti-phase1-2020-communes",
        2020,
        date(2020, 10, 13),
        "Composition par commune d'octobre 2020 (ANCT)",
        records,
    )


def _features(path: Path) -> list[dict]:
    try:
        data = orjson.loads(path.read_bytes())
        return data["features"]
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise PerimeterFileError(f"{path.name}: GeoJSON illisible ({exc})") from exc


def parse_phase2_liste_geo(path: Path, edition: int = 2023) -> PerimeterFile:
    index = edition_index(edition)
    records, problems = {}, []
    for feature in _features(path):
        props = feature.get("properties") or {}
        record = _record(records, props.get("id_territoire", ""), props.get("lib_territoire", ""), problems)
        if record is None:
            continue
        for item in filter(str.strip, props.get("liste_geo", "").split(";")):
            match = LISTE_GEO_ITEM.match(item)
            if not match:
                problems.append(f"{record.code} : élément illisible dans liste_geo : {item.strip()!r}")
            elif match["siren"] in index.epci_members:
                record.members[(MemberKind.EPCI.value, match["siren"])] = match["label"]
            elif match["siren"] in index.commune_by_siren:
                record.members[(MemberKind.COMMUNE.value, index.commune_by_siren[match["siren"]])] = match["label"]
            else:
                problems.append(f"{record.code} : SIREN {match['siren']} ({match['label']}) inconnu du COG {edition}")
    if problems:
        raise PerimeterFileError(f"{path.name}: fichier refusé", problems)
    return PerimeterFile(
        "2023-2027",
        "ti-phase2-2023-perimetres",
        edition,
        date(2023, 11, 9),
        "Liste des 183 territoires de la phase 2 (ANCT, état du 4 juillet 2024)",
        records,
    )


def parse_phase1_polygons(path: Path, edition: int = 2026) -> PerimeterFile:
    features = _features(path)
    records, problems, polygons = {}, [], []
    for feature in features:
        props = feature.get("properties") or {}
        record = _record(records, props.get("id_ti", ""), props.get("lib_ti", ""), problems)
        if record is not None:
            polygons.append((record, shapely.from_geojson(orjson.dumps(feature["geometry"]))))
    if problems:
        raise PerimeterFileError(f"{path.name}: fichier refusé", problems)
    for code, record in _assign_communes(polygons, edition):
        record.members[(MemberKind.COMMUNE.value, code)] = ""
    return PerimeterFile(
        "2018-2022",
        "ti-phase1-2022-perimetres",
        edition,
        date(2022, 12, 31),
        "Périmètres fin 2022 (polygones ANCT), composition déduite sur les contours communaux",
        records,
    )


def _assign_communes(polygons, edition: int):
    current = edition_index(edition).communes
    codes, wkbs = zip(*CommuneContour.objects.values_list("code", "wkb"), strict=True)
    contours = shapely.from_wkb([bytes(w) for w in wkbs])
    areal = [(record, geom) for record, geom in polygons if shapely.area(geom) > 0]
    tree = shapely.STRtree([geom for _, geom in areal])
    hits = defaultdict(list)
    for point_i, poly_i in zip(*tree.query(shapely.point_on_surface(contours), predicate="within"), strict=True):
        hits[point_i].append(poly_i)
    for point_i, candidates in hits.items():
        if codes[point_i] in current:
            best = max(candidates, key=lambda i: shapely.area(shapely.intersection(contours[point_i], areal[i][1])))
            yield codes[point_i], areal[best][0]
    contour_tree = shapely.STRtree(contours)
    for record, geom in polygons:
        if shapely.area(geom) == 0:  # points, one per commune
            for commune_i in contour_tree.query(shapely.get_parts(geom), predicate="within")[1]:
                if codes[commune_i] in current:
                    yield codes[commune_i], record


# --- validation and writing --------------------------------------------------------------------------------------


def validate(perimeters: PerimeterFile) -> dict[str, set[str]]:
    """Every member exists in its edition and no commune is in two territories; returns communes per territory."""
    index = edition_index(perimeters.edition)
    problems, owners, communes_of = [], defaultdict(list), {}
    for record in perimeters.territories.values():
        epcis = [code for kind, code in record.members if kind == MemberKind.EPCI]
        communes = [code for kind, code in record.members if kind == MemberKind.COMMUNE]
        resolved, unknown_communes, unknown_epcis = expand(index, communes=communes, epcis=epcis)
        problems += [f"{record.code} : commune {c} absente du COG {index.year}" for c in unknown_communes]
        problems += [f"{record.code} : EPCI {s} absent du COG {index.year}" for s in unknown_epcis]
        communes_of[record.code] = resolved
        if not resolved:
            problems.append(f"{record.code} : aucune commune")
        for code in resolved:
            owners[code].append(record.code)
    problems += [
        f"commune {code} dans plusieurs territoires : {', '.join(sorted(territories))}"
        for code, territories in sorted(owners.items())
        if len(territories) > 1
    ]
    if problems:
        raise PerimeterFileError(f"{perimeters.source}: {len(problems)} problème(s), rien n'a été écrit", problems)
    return communes_of


@dataclass
class CommuneChanges:
    """Communes a new version adds and removes against the territory's previous version, on the file's edition."""

    previous_number: int
    added: list[str]
    removed: list[str]

    def describe(self, edition: int) -> str:
        def codes(items):
            return ", ".join(items[:30]) + (" …" if len(items) > 30 else "")

        text = f"Par rapport à la version {self.previous_number} (projetée sur le COG {edition}) : "
        parts = [f"+{len(self.added)} commune(s) ({codes(self.added)})" if self.added else "aucune commune ajoutée"]
        parts.append(f"−{len(self.removed)} commune(s) ({codes(self.removed)})" if self.removed else "aucune retirée")
        return text + " ; ".join(parts)


@dataclass
class ImportReport:
    created_territories: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    changes: dict[str, CommuneChanges] = field(default_factory=dict)


def import_perimeters(
    perimeters: PerimeterFile, *, dry_run: bool = False, withdraw_absent: bool = False
) -> ImportReport:
    """Write one version per territory whose members changed; all or nothing."""
    communes_of = validate(perimeters)
    report = ImportReport()
    with transaction.atomic():
        phase = ensure_phases()[perimeters.phase_slug]
        existing = {t.code: t for t in Territory.objects.filter(phase=phase)}
        latest = _latest_members(phase, perimeters.source)
        previous = _previous_versions(phase)
        for code, record in sorted(perimeters.territories.items()):
            if code not in existing:
                report.created_territories.append(code)
            if latest.get(code) == set(record.members):
                report.unchanged.append(code)
                continue
            report.new_versions.append(code)
            if code in previous:
                report.changes[code] = _changes(previous[code], communes_of[code], perimeters.edition)
            if not dry_run:
                notes = report.changes[code].describe(perimeters.edition) if code in report.changes else ""
                _write_version(phase, existing.get(code), record, perimeters, notes)
        if withdraw_absent:
            report.withdrawn = sorted(
                code for code, t in existing.items() if code not in perimeters.territories and (t.withdrawn_on is None)
            )
            if not dry_run:
                Territory.objects.filter(phase=phase, code__in=report.withdrawn).update(
                    withdrawn_on=perimeters.valid_on
                )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _previous_versions(phase: Phase) -> dict[str, PerimeterVersion]:
    versions = PerimeterVersion.objects.filter(territory__phase=phase).select_related("territory")
    latest = {}
    for version in versions.order_by("number").prefetch_related("members"):
        latest[version.territory.code] = version
    return latest


def _changes(previous: PerimeterVersion, communes: set[str], edition: int) -> CommuneChanges:
    members = list(previous.members.all())
    before = project_between(
        edition_index(previous.edition_id),
        edition_index(edition),
        communes=[m.code for m in members if m.kind == MemberKind.COMMUNE],
        epcis=[m.code for m in members if m.kind == MemberKind.EPCI],
    ).communes
    return CommuneChanges(previous.number, sorted(communes - before), sorted(before - communes))


def _latest_members(phase: Phase, source: str) -> dict[str, set[tuple[str, str]]]:
    versions = PerimeterVersion.objects.filter(territory__phase=phase, source=source).order_by("number")
    latest = {}
    for version in versions.select_related("territory").prefetch_related("members"):
        latest[version.territory.code] = {(m.kind, m.code) for m in version.members.all()}
    return latest


def _write_version(
    phase: Phase, territory: Territory | None, record: TerritoryRecord, perimeters: PerimeterFile, notes: str
):
    if territory is None:
        territory = Territory.objects.create(
            phase=phase, code=record.code, name=record.name, region_code=record.region_code
        )
    elif perimeters.valid_on >= max((v.valid_on for v in territory.versions.all()), default=perimeters.valid_on):
        Territory.objects.filter(pk=territory.pk).update(name=record.name)  # the latest file names the territory
    number = (territory.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PerimeterVersion.objects.create(
        territory=territory,
        number=number,
        edition_id=perimeters.edition,
        valid_on=perimeters.valid_on,
        reason=perimeters.reason,
        source=perimeters.source,
        notes=notes,
    )
    PerimeterMember.objects.bulk_create(
        PerimeterMember(version=version, kind=kind, code=code, label=label)
        for (kind, code), label in sorted(record.members.items())
    )
