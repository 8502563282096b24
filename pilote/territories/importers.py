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
import dataclasses
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson
import shapely
from django.db import transaction

from pilote.core import audit
from pilote.core.sources import local_source
from pilote.geography.models import CommuneContour
from pilote.geography.projection import edition_index, expand, project_between

from .enums import MemberKind
from .models import PerimeterMember, PerimeterVersion, Phase, Territory
from .plausibility import Outlier, outliers
from .resolution import CONTOUR_EDITION, load_all_contours

PHASES = {
    "2018-2022": ("Phase 1 (2018–2022)", 2018, 2022),
    "2023-2027": ("Phase 2 (2023–2027)", 2023, 2027),
}
TERRITORY_CODE = re.compile(r"^ti-(\d{2})(\d{2})$")
LISTE_GEO_ITEM = re.compile(r"^\s*(?P<label>.*?)\s*\((?P<siren>\d{9})\)\s*$")
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
PHASE1_COLUMNS = ("code_commune", "code_ti", "libelle_ti")
# Magic numbers of what people send instead of a CSV: XLSX/ZIP, PDF, old XLS.
NOT_TEXT = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")


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
    is_derived: bool = False  # composition deduced from polygons, not listed by the source
    is_local: bool = False  # a file given by hand: a territory whose communes did not change gets no new version


def ensure_phases() -> dict[str, Phase]:
    phases = {}
    for slug, (name, start, end) in PHASES.items():
        phases[slug], _ = Phase.objects.get_or_create(
            slug=slug, defaults={"name": name, "starts_on_year": start, "ends_on_year": end}
        )
    return phases


def _record(
    records: dict[str, TerritoryRecord], code: str, name: str, problems: list[str], *, once: bool = False
) -> TerritoryRecord | None:
    """The record of territory `code`; with `once` (one feature per territory), a second one is refused: two
    features sharing a code are an error of the file, never merged."""
    if not TERRITORY_CODE.match(code):
        problems.append(f"code de territoire invalide : {code!r}")
        return None
    if once and code in records:
        problems.append(f"{code} : décrit par plusieurs entités du fichier (elles ne sont pas fusionnées)")
        return None
    return records.setdefault(code, TerritoryRecord(code=code, name=name.strip()))


# --- reading -----------------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The text of a file: UTF-8 with or without BOM, else Windows-1252 (which reads every printable Latin-1
    text the same); an empty, binary or otherwise encoded file is refused with what to do."""
    data = path.read_bytes()
    if not data.strip():
        raise PerimeterFileError(f"{path.name} : fichier vide")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PerimeterFileError(f"{path.name} : encodage UTF-16 non pris en charge ; enregistrez le fichier en UTF-8")
    if data.startswith(NOT_TEXT) or b"\x00" in data:
        raise PerimeterFileError(
            f"{path.name} : ce n'est ni un CSV ni un GeoJSON (classeur, archive, PDF ou fichier binaire) ; "
            "exportez-le en CSV UTF-8 ou en GeoJSON"
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PerimeterFileError(f"{path.name} : encodage non reconnu (ni UTF-8, ni Windows-1252 / Latin-1)")


def is_geojson(path: Path) -> bool:
    return read_text(path).lstrip().startswith("{")


def _csv_reader(path: Path) -> csv.DictReader:
    """Comma, semicolon (a spreadsheet's French CSV) or tab, read from the header line."""
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text.partition("\n")[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)


# --- parsers -----------------------------------------------------------------------------------------------------


def parse_phase1_communes(path: Path, edition: int = 2020) -> PerimeterFile:
    reader = _csv_reader(path)
    columns = [c.strip() for c in reader.fieldnames or ()]
    missing = [c for c in PHASE1_COLUMNS if c not in columns]
    if missing:
        raise PerimeterFileError(
            f"{path.name} : colonnes manquantes : {', '.join(missing)} "
            f"(colonnes lues : {', '.join(columns) or 'aucune'})"
        )
    reader.fieldnames = columns
    records, problems, lines_of = {}, [], {}
    for line, row in enumerate(reader, start=2):
        problem = _phase1_row_problem(row, lines_of, line)
        record = None if problem else _record(records, f"ti-{row['code_ti'].strip()}", row["libelle_ti"], problems)
        if problem or record is None:
            problems.append(f"ligne {line} : {problem or problems.pop()}")
            continue
        if record.name != row["libelle_ti"].strip():
            problems.append(
                f"ligne {line} : {record.code} nommé « {record.name} » puis « {row['libelle_ti'].strip()} »"
            )
        record.members[(MemberKind.COMMUNE.value, row["code_commune"].strip())] = ""
    if not records and not problems:
        problems.append("aucune ligne de données")
    if problems:
        raise PerimeterFileError(f"{path.name} : fichier refusé, rien n'a été écrit", problems)
    return PerimeterFile(
        "2018-2022",
        "ti-phase1-2020-communes",
        edition,
        date(2020, 10, 13),
        "Composition par commune d'octobre 2020 (ANCT)",
        records,
    )


def _phase1_row_problem(row: dict, lines_of: dict[str, int], line: int) -> str:
    """What is wrong with one row of a phase-1 file, or "". A short row is what a truncated file ends with."""
    if None in row.values() or None in row:
        return "nombre de colonnes différent de l'en-tête (fichier tronqué ?)"
    code = row["code_commune"].strip()
    if not COMMUNE_CODE.match(code):
        return f"code commune invalide : {code!r}"
    if code in lines_of:
        return f"commune {code} déjà listée ligne {lines_of[code]}"
    lines_of[code] = line
    return ""


def _features(path: Path) -> list[dict]:
    try:
        data = orjson.loads(read_text(path))
    except orjson.JSONDecodeError as exc:
        raise PerimeterFileError(f"{path.name} : GeoJSON illisible, tronqué ou mal formé ({exc})") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or data.get("type") != "FeatureCollection":
        raise PerimeterFileError(f"{path.name} : ce n'est pas une FeatureCollection GeoJSON")
    if not features or not all(isinstance(f, dict) for f in features):
        raise PerimeterFileError(f"{path.name} : aucune entité lisible dans la FeatureCollection")
    return features


def parse_phase2_liste_geo(path: Path, edition: int = 2023) -> PerimeterFile:
    index = edition_index(edition)
    records, problems = {}, []
    for feature in _features(path):
        props = feature.get("properties") or {}
        record = _record(
            records, str(props.get("id_territoire", "")), str(props.get("lib_territoire", "")), problems, once=True
        )
        if record is None:
            continue
        for item in filter(str.strip, str(props.get("liste_geo") or "").split(";")):
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
        raise PerimeterFileError(f"{path.name} : fichier refusé, rien n'a été écrit", problems)
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
        record = _record(records, str(props.get("id_ti", "")), str(props.get("lib_ti", "")), problems, once=True)
        if record is not None:
            try:
                polygons.append((record, shapely.from_geojson(orjson.dumps(feature.get("geometry")))))
            except shapely.errors.GEOSException:
                problems.append(f"{record.code} : géométrie illisible")
    if problems:
        raise PerimeterFileError(f"{path.name} : fichier refusé, rien n'a été écrit", problems)
    for code, record in _assign_communes(polygons, edition):
        record.members[(MemberKind.COMMUNE.value, code)] = ""
    return PerimeterFile(
        "2018-2022",
        "ti-phase1-2022-perimetres",
        edition,
        date(2022, 12, 31),
        "Périmètres fin 2022 (polygones ANCT), composition déduite sur les contours communaux",
        records,
        is_derived=True,
    )


def parse_file(path: Path, phase_slug: str, *, valid_on: date, edition: int | None = None) -> PerimeterFile:
    """A file outside the manifest (a newer list published by ANCT), in the format of its phase's files: a phase-1
    CSV by commune or GeoJSON of polygons, a phase-2 GeoJSON with `liste_geo`. Recorded as its own source, named
    by its SHA-256, so that importing it again writes nothing."""
    geojson = is_geojson(path)
    if phase_slug == "2018-2022":
        parse = parse_phase1_polygons if geojson else parse_phase1_communes
    elif phase_slug == "2023-2027" and geojson:
        parse = parse_phase2_liste_geo
    else:
        raise PerimeterFileError(f"{path.name} : la phase {phase_slug} s'importe depuis un GeoJSON (liste_geo)")
    perimeters = parse(path) if edition is None else parse(path, edition=edition)
    source = local_source(path)
    return dataclasses.replace(
        perimeters,
        source=source.name,
        is_local=True,
        valid_on=valid_on,
        reason=f"Fichier {path.name[:120]} (SHA-256 {source.sha256})",
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

    @property
    def is_empty(self) -> bool:
        return not self.added and not self.removed

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
    warnings: dict[str, list[str]] = field(default_factory=dict)  # territory code → French data warnings


def check_plausibility(perimeters: PerimeterFile) -> dict[str, list[Outlier]]:
    """Implausible communes of each territory (see plausibility.py), judged on the contours' edition."""
    contours = load_all_contours()
    if not contours:
        return {}
    source, target = edition_index(perimeters.edition), edition_index(CONTOUR_EDITION)
    found = {}
    for code, record in perimeters.territories.items():
        communes = project_between(
            source,
            target,
            communes=[c for kind, c in record.members if kind == MemberKind.COMMUNE],
            epcis=[c for kind, c in record.members if kind == MemberKind.EPCI],
        ).communes
        if flagged := outliers(communes, target, contours):
            found[code] = flagged
    return found


def _apply_plausibility(perimeters: PerimeterFile, report: "ImportReport") -> dict[str, str]:
    """Flag implausible communes in the report; a derived composition leaves them out. Returns notes by code."""
    notes = {}
    for code, flagged in check_plausibility(perimeters).items():
        if perimeters.is_derived:
            members = perimeters.territories[code].members
            for outlier in flagged:
                members.pop((MemberKind.COMMUNE.value, outlier.code), None)
            report.warnings[code] = [f"Commune écartée de la composition déduite : {o.describe()}" for o in flagged]
            notes[code] = "Écartées par le contrôle de plausibilité : " + ", ".join(o.code for o in flagged)
        else:
            report.warnings[code] = [f"Commune à vérifier : {o.describe()}" for o in flagged]
    return notes


def import_perimeters(
    perimeters: PerimeterFile, *, dry_run: bool = False, withdraw_absent: bool = False
) -> ImportReport:
    """Write one version per territory whose members changed; all or nothing. Implausible communes are flagged
    in the report and on the version (`warnings`), and left out of a derived composition."""
    report = ImportReport()
    plausibility_notes = _apply_plausibility(perimeters, report)
    communes_of = validate(perimeters)
    with transaction.atomic():
        phase = ensure_phases()[perimeters.phase_slug]
        existing = {t.code: t for t in Territory.objects.filter(phase=phase)}
        latest = _latest_members(phase, perimeters.source)
        previous = _previous_versions(phase)
        for code, record in sorted(perimeters.territories.items()):
            if code not in existing:
                report.created_territories.append(code)
            change = _changes(previous[code], communes_of[code], perimeters.edition) if code in previous else None
            if latest.get(code) == set(record.members) or (perimeters.is_local and change and change.is_empty):
                report.unchanged.append(code)
                continue
            report.new_versions.append(code)
            if change is not None:
                report.changes[code] = change
            if not dry_run:
                notes = report.changes[code].describe(perimeters.edition) if code in report.changes else ""
                notes = "\n".join(filter(None, [notes, plausibility_notes.get(code, "")]))
                _write_version(phase, existing.get(code), record, perimeters, notes, report.warnings.get(code, []))
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
    phase: Phase,
    territory: Territory | None,
    record: TerritoryRecord,
    perimeters: PerimeterFile,
    notes: str,
    warnings: list[str],
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
        warnings=warnings,
    )
    PerimeterMember.objects.bulk_create(
        PerimeterMember(version=version, kind=kind, code=code, label=label)
        for (kind, code), label in sorted(record.members.items())
    )
    if perimeters.is_local:  # someone chose to import this file: the trail says what it changed
        audit.record(
            actor=None,
            action="perimeter_version.create",
            obj=version,
            changes={"number": [number - 1 or None, number], "members": [None, len(record.members)]},
            phase_slug=phase.slug,
            territory_code=territory.code,
        )
