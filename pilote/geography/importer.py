"""Read one edition of @etalab/decoupage-administratif and write it to the database in one atomic step.

The rows are built as plain tuples with keys derived from the edition year, so that writing them is a single
`executemany` per table: the benchmark compares this import with a bare `sqlite3.executemany` of the same rows.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import signals
from .enums import COMMUNE_KIND_BY_SOURCE_TYPE, CommuneKind
from .models import Commune, CommuneLineage, Departement, Edition, Epci, EpciMembership, Region

SOURCE_FILES = ("regions.json", "departements.json", "epci.json", "ept.json", "communes.json")
KEY_BASE = 1_000_000  # primary key = year * KEY_BASE + rank of the row in its table


class EditionFileError(Exception):
    """The edition's files are missing or not in the expected format."""


def edition_folder(year: int) -> Path:
    return Path(settings.NODE_MODULES_DIR) / f"cog-{year}"


def available_years() -> list[int]:
    root = Path(settings.NODE_MODULES_DIR)
    return sorted(int(p.name[4:]) for p in root.glob("cog-[0-9][0-9][0-9][0-9]") if (p / "data").is_dir())


@dataclass
class EditionRows:
    """Every row of one edition, in the column order of `TABLES`."""

    year: int
    source: str
    checksum: str
    regions: list[tuple] = field(default_factory=list)
    departements: list[tuple] = field(default_factory=list)
    epcis: list[tuple] = field(default_factory=list)
    communes: list[tuple] = field(default_factory=list)
    memberships: list[tuple] = field(default_factory=list)
    lineages: list[tuple] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def row_count(self) -> int:
        return sum(len(getattr(self, name)) for name, _model, _cols in TABLES)


# (attribute of EditionRows, model, columns) in dependency order
TABLES = (
    ("regions", Region, ("id", "edition_id", "code", "name")),
    ("departements", Departement, ("id", "edition_id", "code", "name", "region_id")),
    ("epcis", Epci, ("id", "edition_id", "siren", "name", "kind", "population")),
    (
        "communes",
        Commune,
        (
            "id",
            "edition_id",
            "code",
            "kind",
            "name",
            "siren",
            "population",
            "departement_code",
            "region_code",
            "parent_id",
        ),
    ),
    ("memberships", EpciMembership, ("id", "edition_id", "epci_id", "commune_id")),
    ("lineages", CommuneLineage, ("id", "edition_id", "old_code", "commune_id")),
)


def _load_json(folder: Path, name: str, required: bool = True) -> list[dict]:
    path = folder / "data" / name
    if not path.is_file():
        if required:
            raise EditionFileError(f"missing file {path}")
        return []
    try:
        data = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise EditionFileError(f"{path}: invalid JSON ({exc})") from exc
    if not isinstance(data, list):
        raise EditionFileError(f"{path}: expected a JSON list")
    return data


def _checksum(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        path = folder / "data" / name
        if path.is_file():
            digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()


def _source_label(folder: Path) -> str:
    package = folder / "package.json"
    if package.is_file():
        meta = orjson.loads(package.read_bytes())
        return f"{meta.get('name', 'decoupage-administratif')}@{meta.get('version', '?')}"
    return str(folder)


def read_edition(year: int, folder: Path | None = None) -> EditionRows:
    folder = folder or edition_folder(year)
    if not (folder / "data").is_dir():
        raise EditionFileError(f"edition {year}: no data folder at {folder} (run `npm ci`)")
    rows = EditionRows(year=year, source=_source_label(folder), checksum=_checksum(folder))
    base = year * KEY_BASE
    try:
        region_ids = _read_regions(rows, base, _load_json(folder, "regions.json"))
        _read_departements(rows, base, region_ids, _load_json(folder, "departements.json"))
        commune_ids, parents = _read_communes(rows, base, _load_json(folder, "communes.json"))
        groups = _load_json(folder, "epci.json") + _load_json(folder, "ept.json", required=False)
        _read_epcis(rows, base, commune_ids, parents, groups)
    except (KeyError, TypeError) as exc:
        raise EditionFileError(f"edition {year}: unexpected record format ({exc!r})") from exc
    return rows


def _read_regions(rows: EditionRows, base: int, records: list[dict]) -> dict[str, int]:
    ids = {}
    for rank, rec in enumerate(records):
        ids[rec["code"]] = base + rank
        rows.regions.append((base + rank, rows.year, rec["code"], rec["nom"]))
    return ids


def _read_departements(rows: EditionRows, base: int, region_ids: dict[str, int], records: list[dict]) -> None:
    for rank, rec in enumerate(records):
        if rec["region"] not in region_ids:
            raise EditionFileError(f"département {rec['code']}: unknown region {rec['region']}")
        rows.departements.append((base + rank, rows.year, rec["code"], rec["nom"], region_ids[rec["region"]]))


def _read_communes(rows: EditionRows, base: int, records: list[dict]) -> tuple[dict[str, int], dict[str, str]]:
    """Current communes get their ids first so that déléguées can point at their parent."""
    current, parents = {}, {}
    for rank, rec in enumerate(records):
        if rec["type"] == "commune-actuelle":
            current[rec["code"]] = base + rank
    for rank, rec in enumerate(records):
        kind = COMMUNE_KIND_BY_SOURCE_TYPE.get(rec["type"])
        if kind is None:
            raise EditionFileError(f"commune {rec['code']}: unknown type {rec['type']!r}")
        parent_code = rec.get("commune") if kind == CommuneKind.MUNICIPAL_DISTRICT else rec.get("chefLieu")
        parent_id = current.get(parent_code) if kind != CommuneKind.CURRENT else None
        if parent_id:
            parents[rec["code"]] = parent_code
        rows.communes.append(
            (
                base + rank,
                rows.year,
                rec["code"],
                kind.value,
                rec["nom"],
                rec.get("siren", ""),
                rec.get("population"),
                rec.get("departement", ""),
                rec.get("region", ""),
                parent_id,
            )
        )
        if kind == CommuneKind.CURRENT:
            for old_code in rec.get("anciensCodes", ()):
                rows.lineages.append((base + len(rows.lineages), rows.year, old_code, base + rank))
    return current, parents


def _read_epcis(
    rows: EditionRows, base: int, commune_ids: dict[str, int], parents: dict[str, str], records: list[dict]
) -> None:
    for rank, rec in enumerate(records):
        epci_id = base + rank
        rows.epcis.append((epci_id, rows.year, rec["code"], rec["nom"], rec["type"], rec.get("populationTotale")))
        members = set()
        for member in rec["membres"]:
            code = member["code"]
            if code not in commune_ids and code in parents:
                # Seen in the 2020 file: a commune déléguée listed as a member; its parent is the member.
                rows.warnings.append(
                    f"EPCI {rec['code']}: member {code} is a commune déléguée, counted as {parents[code]}"
                )
                code = parents[code]
            if code not in commune_ids:
                raise EditionFileError(f"EPCI {rec['code']}: member {code} is not a commune of the edition")
            members.add(code)
        for code in sorted(members):
            rows.memberships.append((base + len(rows.memberships), rows.year, epci_id, commune_ids[code]))


# --- what would change -------------------------------------------------------------------------------------------


@dataclass
class TableDiff:
    label: str
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _keyed(rows: EditionRows) -> dict[str, dict]:
    """Natural keys → values, the way a person reads the edition (codes, not ids)."""
    region_code = {r[0]: r[2] for r in rows.regions}
    commune_code = {c[0]: c[2] for c in rows.communes}
    siren = {e[0]: e[2] for e in rows.epcis}
    parent_code = {c[0]: commune_code.get(c[9]) for c in rows.communes}
    return {
        "régions": {r[2]: (r[3],) for r in rows.regions},
        "départements": {d[2]: (d[3], region_code[d[4]]) for d in rows.departements},
        "EPCI": {e[2]: (e[3], e[4], e[5]) for e in rows.epcis},
        "communes": {(c[3], c[2]): (c[4], c[5], c[6], c[7], c[8], parent_code[c[0]]) for c in rows.communes},
        "appartenances": {(siren[m[2]], commune_code[m[3]]): () for m in rows.memberships},
        "filiations": {(lin[2], commune_code[lin[3]]): () for lin in rows.lineages},
    }


def existing_rows(year: int) -> EditionRows:
    edition = Edition.objects.filter(year=year).first()
    rows = EditionRows(
        year=year, source=edition.source if edition else "", checksum=edition.checksum if edition else ""
    )
    if edition is None:
        return rows
    for attr, model, columns in TABLES:
        setattr(rows, attr, list(model.objects.filter(edition_id=year).values_list(*columns)))
    return rows


def diff_editions(old: EditionRows, new: EditionRows) -> list[TableDiff]:
    old_keyed, new_keyed = _keyed(old), _keyed(new)
    diffs = []
    for label, new_map in new_keyed.items():
        old_map = old_keyed[label]
        diffs.append(
            TableDiff(
                label=label,
                added=sorted(k for k in new_map.keys() - old_map.keys()),
                removed=sorted(k for k in old_map.keys() - new_map.keys()),
                changed=sorted(k for k in new_map.keys() & old_map.keys() if new_map[k] != old_map[k]),
            )
        )
    return diffs


# --- writing -----------------------------------------------------------------------------------------------------


def write_edition(rows: EditionRows) -> None:
    """Replace the edition's rows by `rows`, all or nothing."""
    with transaction.atomic():
        Edition.objects.update_or_create(
            year=rows.year,
            defaults={"source": rows.source, "checksum": rows.checksum, "imported_at": timezone.now()},
        )
        with connection.cursor() as cursor:
            for _attr, model, _columns in reversed(TABLES):
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE edition_id = %s", [rows.year])
            for attr, model, columns in TABLES:
                placeholders = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({placeholders})"
                cursor.executemany(sql, getattr(rows, attr))
        transaction.on_commit(lambda: signals.edition_imported.send(sender=Edition, year=rows.year))


@dataclass
class ImportResult:
    rows: EditionRows
    diffs: list[TableDiff]
    written: bool

    @property
    def is_unchanged(self) -> bool:
        return all(d.is_empty for d in self.diffs)


def import_edition(year: int, *, folder: Path | None = None, dry_run: bool = False) -> ImportResult:
    """Import an edition if its files changed since the last import; report what changes either way."""
    folder = folder or edition_folder(year)
    existing = Edition.objects.filter(year=year).first()
    if existing and (folder / "data").is_dir() and existing.checksum == _checksum(folder):
        unchanged = EditionRows(year=year, source=existing.source, checksum=existing.checksum)
        return ImportResult(rows=unchanged, diffs=[], written=False)
    new = read_edition(year, folder)
    diffs = diff_editions(existing_rows(year), new)
    if dry_run:
        return ImportResult(rows=new, diffs=diffs, written=False)
    if existing and all(d.is_empty for d in diffs):
        # Same content under another checksum (files reformatted): remember it, rewrite nothing.
        Edition.objects.filter(year=year).update(checksum=new.checksum, source=new.source)
        return ImportResult(rows=new, diffs=diffs, written=False)
    write_edition(new)
    return ImportResult(rows=new, diffs=diffs, written=True)
