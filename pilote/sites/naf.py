"""Importer of the Cerema « consommation d'espaces naturels, agricoles et forestiers » communal file.

The official file has one row per commune (`idcom`, INSEE code) and, per year, the flow of NAF land consumed from
1 January 20YY to 1 January 20ZZ in m²: `nafYYartZZ` (total) and by destination `artYY{act,hab,mix,rou,fer,inc}ZZ`
(activity, housing, mixed, roads, rail, unknown); e.g. the 2009–2023 edition has naf09art10 … naf22art23. Columns
spanning several years (`naf11art21`, `artcom2020` …) are sums of the yearly ones and are not read. The separator is
`;` or `,` (both editions exist).

All or nothing: the whole file is checked before anything is written, and a refused file leaves the database as it was.
Re-importing replaces each commune's flows; the same file twice (same SHA-256) does nothing.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.db import connection, transaction

from .models import NafConsumption, SiteImport

SOURCE = "cerema_naf"
TOTAL = re.compile(r"^naf(\d\d)art(\d\d)$")
DESTINATION = re.compile(r"^art(\d\d)(act|hab|mix|rou|fer|inc)(\d\d)$")
FIELDS = {"act": "activity_m2", "hab": "housing_m2", "mix": "mixed_m2", "rou": "road_m2", "fer": "rail_m2",
          "inc": "unknown_m2"}  # fmt: skip
COLUMNS = ("total_m2", *FIELDS.values())  # the order of a parsed row after (commune, year)
COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
MAX_BYTES = 200 * 1024 * 1024
MAX_ERRORS = 20


class NafFileRefused(Exception):
    """The file is not a Cerema NAF consumption file that can be read: `errors` says why, in French."""

    def __init__(self, errors: list[str]):
        super().__init__(" ; ".join(errors))
        self.errors = errors


@dataclass
class NafReport:
    file_name: str
    communes: int = 0
    rows: int = 0
    years: list[int] = field(default_factory=list)
    already_imported: bool = False

    def as_text(self) -> str:
        if self.already_imported:
            return f"{self.file_name} : fichier déjà importé (même empreinte), rien n'a changé."
        span = f"{self.years[0]}–{self.years[-1] + 1}" if self.years else "aucune année"
        return f"{self.file_name} : {self.communes} communes, {self.rows} flux annuels ({span}) importés."


def import_naf(data: bytes, file_name: str, *, user=None, dry_run: bool = False) -> NafReport:
    """Check the whole file, then replace the flows of its communes in one transaction."""
    digest = hashlib.sha256(data).hexdigest()
    report = NafReport(file_name)
    if SiteImport.objects.filter(source=SOURCE, sha256=digest).exists():
        report.already_imported = True
        return report
    rows, years = parse(data)
    report.communes, report.rows, report.years = len({r[0] for r in rows}), len(rows), years
    if not dry_run:
        _write(rows, file_name, digest, user, report)
    return report


@transaction.atomic
def _write(rows: list[tuple], file_name: str, digest: str, user, report: NafReport) -> None:
    """One executemany of plain tuples: 35,000 communes × 15 years are half a million rows, too many for model
    instances (values were checked by `parse` exactly as the model's fields would hold them)."""
    imported = SiteImport.objects.create(source=SOURCE, file_name=file_name, sha256=digest, imported_by=user)
    communes = sorted({r[0] for r in rows})
    for start in range(0, len(communes), 5000):
        NafConsumption.objects.filter(commune_code__in=communes[start : start + 5000]).delete()
    table, names = NafConsumption._meta.db_table, ("commune_code", "year", *COLUMNS, "source_id")
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, [(*row, imported.pk) for row in rows[start : start + 20_000]])
    imported.report = {"communes": report.communes, "rows": report.rows, "years": report.years,
                       "text": report.as_text()}  # fmt: skip
    imported.save(update_fields=["report"])


def yearly_columns(years) -> list[str]:
    """The official columns of the yearly flows of `years`: nafYYartZZ then artYY{act,hab,mix,rou,fer,inc}ZZ."""
    columns = []
    for year in years:
        a, b = year % 100, (year + 1) % 100
        columns += [f"naf{a:02}art{b:02}"] + [f"art{a:02}{d}{b:02}" for d in FIELDS]
    return columns


def parse(data: bytes) -> tuple[list[tuple], list[int]]:
    """The yearly flows of the file, or `NafFileRefused` with every problem found (the first 20)."""
    if not data.strip():
        raise NafFileRefused(["Le fichier est vide."])
    if len(data) > MAX_BYTES:
        raise NafFileRefused(["Le fichier dépasse 200 Mo."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NafFileRefused(["Le fichier n'est pas un texte CSV encodé en UTF-8."]) from None
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header = [h.strip() for h in next(reader)]
    columns = _columns(header)
    errors, rows, seen = [], [], set()
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        _read_row(line, values, header, columns, errors, rows, seen)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise NafFileRefused(errors)
    if not rows:
        raise NafFileRefused(["Le fichier ne contient aucune commune."])
    return rows, sorted(columns["years"])


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _columns(header: list[str]) -> dict:
    if "idcom" not in header:
        raise NafFileRefused(["La colonne « idcom » (code INSEE de la commune) est absente : ce n'est pas un fichier "
                              "de consommation d'espaces NAF du Cerema."])  # fmt: skip
    totals, destinations = {}, {}
    for index, name in enumerate(header):
        if (m := TOTAL.match(name)) and int(m[2]) == int(m[1]) + 1:
            totals[2000 + int(m[1])] = index
        elif (m := DESTINATION.match(name)) and int(m[3]) == int(m[1]) + 1:
            destinations[(2000 + int(m[1]), FIELDS[m[2]])] = index
    if not totals:
        raise NafFileRefused(["Aucune colonne de flux annuel « nafAAartBB » (par exemple naf11art12) n'a été trouvée."])
    by_year = {year: {"total_m2": i} for year, i in totals.items()}
    for (year, name), i in destinations.items():
        if year in by_year:
            by_year[year][name] = i
    return {"idcom": header.index("idcom"), "years": totals, "by_year": by_year, "width": len(header)}


def _read_row(line: int, values: list[str], header, columns, errors: list, rows: list, seen: set) -> None:
    if len(values) != columns["width"]:
        errors.append(f"Ligne {line} : {len(values)} valeurs pour {columns['width']} colonnes.")
        return
    code = values[columns["idcom"]].strip()
    if not COMMUNE.match(code):
        errors.append(f"Ligne {line} : « {code} » n'est pas un code INSEE de commune.")
        return
    if code in seen:
        errors.append(f"Ligne {line} : la commune {code} figure deux fois dans le fichier.")
        return
    seen.add(code)
    for year, indexes in columns["by_year"].items():
        flows = {name: _number(line, header[i], values[i], errors) for name, i in indexes.items()}
        if None not in flows.values():
            rows.append((code, year, *(flows.get(name, 0.0) for name in COLUMNS)))


def _number(line: int, column: str, raw: str, errors: list) -> float | None:
    raw = raw.strip().replace(",", ".")
    if raw == "":
        return 0.0  # Cerema leaves a flow empty when nothing was consumed
    try:
        value = float(raw)
    except ValueError:
        errors.append(f"Ligne {line}, colonne {column} : « {raw} » n'est pas un nombre de m².")
        return None
    if value < 0 or value != value or value == float("inf"):
        errors.append(f"Ligne {line}, colonne {column} : une consommation ne peut pas être négative ({raw}).")
        return None
    return value
