"""What every indicator importer shares: the refusal, the French report, reading a workbook or a CSV, finding a
header row, and writing one file's values in one transaction, once (a file already imported writes nothing).

A parser reads a whole file into a `Parsed` (values as published, the report) and raises `ImportFileError` on the
first kind of problem that makes the file unusable, listing every row concerned: nothing is written then.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import connection, transaction

from pilote.core.reports import ImportReport
from pilote.core.uploads import MB, UploadRefused, XlsxLimits, open_xlsx, sheet_rows
from pilote.territories.importers import PerimeterFileError, read_text

from ..catalogue import ensure_catalogue
from ..models import Dataset, Indicator, SourceValue

# The official workbooks are larger than an upload of a plan: the ZE composition has 35,000 rows, the unemployment
# series one column per quarter since 2003. Still bounded, so that a wrong file cannot exhaust the machine.
WORKBOOK_LIMITS = XlsxLimits(
    max_bytes=50 * MB, max_uncompressed_bytes=200 * MB, max_tags=15_000_000, max_rows=60_000, max_columns=16_384
)
HEADER_SEARCH_ROWS = 30
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
MAX_PROBLEMS = 20


class ImportFileError(Exception):
    """The file is refused and nothing was written; `str()` is the French message with the rows concerned."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        self.problems = list(problems)
        shown = "".join(f"\n  - {p}" for p in self.problems[:MAX_PROBLEMS])
        more = f"\n  … et {len(self.problems) - MAX_PROBLEMS} autre(s)" if len(self.problems) > MAX_PROBLEMS else ""
        super().__init__(f"{message} ; fichier refusé, rien n'a été écrit{shown}{more}")


@dataclass
class Report(ImportReport):
    """What was read, mapped and left out (with reasons), in French, for the console and `Dataset.report`."""

    mapped: int = 0

    def counts(self) -> dict:
        return {"retenus": self.mapped}

    def summary(self) -> str:
        return f"{self.read} ligne(s) lue(s), {self.mapped} valeur(s) retenue(s)"


@dataclass
class Parsed:
    """One file read: its values as published (indicator code, vintage, level, unit code → value)."""

    source: str
    file_name: str
    sha256: str
    geography_year: int | None
    values: dict[tuple[str, str, str, str], float]
    report: Report
    # Extra rows of the file beyond values (the zones of a zoning), written with the dataset.
    write_extra: Callable[[Dataset], None] | None = None

    @property
    def vintages(self) -> list[str]:
        return sorted({vintage for _, vintage, _, _ in self.values})


@dataclass
class Outcome:
    parsed: Parsed
    written: bool
    already_imported: bool = False
    dataset: Dataset | None = None  # when written


def write(parsed: Parsed, *, dry_run: bool = False, user=None) -> Outcome:
    """Write one file's values, all or nothing. A file already imported (same source, same SHA-256) writes
    nothing. The values an older file gave for the same indicator, vintage and geography are replaced as a whole:
    the newest file imported is the one a series comes from (a later edition revises past quarters too)."""
    if Dataset.objects.filter(source=parsed.source, sha256=parsed.sha256).exists():
        return Outcome(parsed, written=False, already_imported=True)
    with transaction.atomic():
        ensure_catalogue()
        dataset = Dataset.objects.create(
            source=parsed.source,
            file_name=parsed.file_name[:300],
            sha256=parsed.sha256,
            geography_year=parsed.geography_year,
            vintages=parsed.vintages,
            imported_by=user,
            report=parsed.report.as_dict(),
        )
        _replace_values(dataset, parsed.values)
        if parsed.write_extra:
            parsed.write_extra(dataset)
        if dry_run:
            transaction.set_rollback(True)
    return Outcome(parsed, written=not dry_run, dataset=None if dry_run else dataset)


def _replace_values(dataset: Dataset, values: dict) -> None:
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    for code, vintage, level in {(code, vintage, level) for code, vintage, level, _ in values}:
        SourceValue.objects.filter(indicator_id=indicators[code], vintage=vintage, level=level).delete()
    rows = [
        (dataset.pk, indicators[code], vintage, level, unit, value)
        for (code, vintage, level, unit), value in values.items()
    ]
    insert_rows(SourceValue, ["dataset_id", "indicator_id", "vintage", "level", "code", "value"], rows)


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Tens of thousands of plain rows: one executemany through Django's cursor (placeholders `%s`, so it runs on
    SQLite and PostgreSQL), without building a model instance for each — as geography and territories write."""
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


# --- reading -----------------------------------------------------------------------------------------------------


@contextmanager
def open_workbook(path: Path):
    """The workbook, read-only, through the checks every upload goes through (core.uploads); closed on exit."""
    with path.open("rb") as handle:
        try:
            workbook = open_xlsx(File(handle, name=path.name), WORKBOOK_LIMITS)
        except UploadRefused as exc:
            raise ImportFileError(f"{path.name} : {exc}") from exc
        try:
            yield workbook
        finally:
            workbook.close()


def sheet(workbook, name: str, path: Path):
    if name not in workbook.sheetnames:
        raise ImportFileError(
            f"{path.name} : onglet « {name} » introuvable (onglets du classeur : {', '.join(workbook.sheetnames)})"
        )
    return workbook[name]


def rows_of(worksheet, *, columns: int | None = None) -> Iterator[tuple]:
    try:
        yield from sheet_rows(
            worksheet, columns=columns or worksheet.max_column or 1, max_rows=WORKBOOK_LIMITS.max_rows
        )
    except UploadRefused as exc:
        raise ImportFileError(str(exc)) from exc


def find_header(rows: Iterator[tuple], required: Iterable[str], where: str) -> tuple[int, list[str]]:
    """The row (1-based) holding every `required` code, and its cells as stripped text: the banner rows above it
    vary between editions, so the header is found, never assumed."""
    required = list(required)
    for number, row in enumerate(rows, start=1):
        cells = [str(c).strip() if c is not None else "" for c in row]
        if set(required) <= set(cells):
            return number, cells
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportFileError(
        f"{where} : ligne d'en-tête introuvable (colonnes {', '.join(required)} attendues "
        f"dans les {HEADER_SEARCH_ROWS} premières lignes)"
    )


def text_of(path: Path) -> str:
    """A CSV's text: UTF-8 with or without BOM, or Windows-1252; empty, binary or UTF-16 files are refused
    (the one reading rule of the project, territories.importers.read_text)."""
    try:
        return read_text(path)
    except PerimeterFileError as exc:
        raise ImportFileError(str(exc).split(" ; ")[0].rstrip(".")) from exc


def number(value, *, where: str, problems: list[str]) -> float | None:
    """A cell as a number: numbers as they are, French text decimals ("7,5") read; anything else is a problem."""
    if isinstance(value, bool):
        problems.append(f"{where} : valeur non numérique {value!r}")
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        problems.append(f"{where} : valeur non numérique {str(value).strip()[:30]!r}")
        return None


def refuse_if(problems: list[str], message: str) -> None:
    if problems:
        raise ImportFileError(message, problems)


def csv_table(path: Path, required: Iterable[str], *, delimiter: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line, row as dict)]) of a CSV; a row with more or fewer fields than the header (shifted
    columns, a truncated file) is refused, as is a header missing a required column."""
    reader = csv.reader(io.StringIO(text_of(path), newline=""), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            f"{path.name} : colonnes manquantes : {', '.join(missing)} (séparateur « {delimiter} » attendu ; "
            f"colonnes lues : {', '.join(header[:8]) or 'aucune'})"
        )
    rows, problems = [], []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.append(f"ligne {line} : {len(fields)} champs pour {len(header)} colonnes (colonnes décalées ?)")
        else:
            rows.append((line, dict(zip(header, (f.strip() for f in fields), strict=True))))
    refuse_if(problems, path.name)
    if not rows:
        raise ImportFileError(f"{path.name} : aucune ligne de données sous l'en-tête")
    return header, rows
