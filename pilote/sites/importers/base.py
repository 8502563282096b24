"""What the site importers share: the refusal, the French report, reading a CSV, and recording one imported file
once (a file already imported, same source and SHA-256, writes nothing).

A parser reads a whole file and raises `ImportFileError` on the first kind of problem that makes it unusable,
listing every row concerned: nothing is written then. A fact is `{"value", "source", "date"}`; value None is
"unknown", never "no".
"""

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pilote.core.reports import ImportReport
from pilote.core.uploads import MB
from pilote.territories.importers import PerimeterFileError, read_text

from ..models import SiteImport

MAX_BYTES = 50 * MB  # the national inventory is 16 Mo; a wrong file cannot exhaust the machine
MAX_PROBLEMS = 20
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class ImportFileError(Exception):
    """The file is refused and nothing was written; `str()` is the French message with the rows concerned."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        self.problems = list(problems)
        shown = "".join(f"\n  - {p}" for p in self.problems[:MAX_PROBLEMS])
        more = f"\n  … et {len(self.problems) - MAX_PROBLEMS} autre(s)" if len(self.problems) > MAX_PROBLEMS else ""
        super().__init__(f"{message} ; fichier refusé, rien n'a été écrit{shown}{more}")


def refuse_if(problems: list[str], file_name: str) -> None:
    if problems:
        raise ImportFileError(f"{file_name} : {len(problems)} ligne(s) illisible(s)", problems)


@dataclass
class Report(ImportReport):
    """What was read, created, updated and left out (with reasons), in French, for the console and SiteImport."""

    created: int = 0
    updated: int = 0
    left_out_word = "signalé(s)"

    def counts(self) -> dict:
        return {"créés": self.created, "mis à jour": self.updated}

    def summary(self) -> str:
        return f"{self.read} ligne(s) lue(s), {self.created} créée(s), {self.updated} mise(s) à jour"


def csv_rows(path: Path, required: list[str]) -> list[tuple[int, dict]]:
    """The rows of a CSV (comma or semicolon) as dicts, with their line number; the header must hold `required`."""
    header, rows = csv_table(path, required)
    return [(line, dict(zip(header, cells, strict=False))) for line, cells in rows]


def csv_table(path: Path, required: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows of a CSV (comma or semicolon), each row a list of its cells with its line number, one
    empty cell past the header's (`column_index` points a column the file lacks there): a short row has its missing
    cells empty, the cells past the header are dropped. Read as lists, not dicts: the national inventory is read in
    the time of a bare insert of its rows."""
    if path.stat().st_size > MAX_BYTES:
        raise ImportFileError(f"{path.name} : fichier de plus de {MAX_BYTES // MB} Mo")
    try:
        text = read_text(path)
    except PerimeterFileError as exc:
        raise ImportFileError(str(exc).split(" ; ")[0].rstrip(".")) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError(
            f"{path.name} : colonne(s) absente(s) : {', '.join(missing)} (est-ce bien le bon fichier ?)"
        )
    width = len(header) + 1
    rows = [
        (line, cells + [""] if len(cells) == width - 1 else (cells + [""] * width)[:width])
        for line, cells in enumerate(filter(None, reader), start=2)
    ]
    if not rows:
        raise ImportFileError(f"{path.name} : aucune ligne de données sous l'en-tête")
    return header, rows


def column_index(header: list[str]) -> dict[str, int]:
    """Column name → position in the rows of `csv_table`; a column absent from the header → the empty last cell."""
    width = len(header)
    return defaultdict(lambda: width, {name: i for i, name in enumerate(header)})


def number(raw: str | None, *, where: str, problems: list[str], minimum: float | None = None) -> float | None:
    """A published number (point as decimal separator), None when the cell is empty; a problem when unreadable."""
    try:
        value = float(raw)  # the common case first: a plain number
    except (TypeError, ValueError):
        if not raw or raw.isspace() or raw.strip().upper() == "NA":
            return None
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            value = math.nan
    if not math.isfinite(value):
        problems.append(f"{where} : nombre illisible {raw.strip()[:30]!r}")
        return None
    if minimum is not None and value < minimum:
        problems.append(f"{where} : valeur négative {raw.strip()[:30]!r}")
        return None
    return value


def fact(value, source: str, date: str) -> dict:
    return {"value": value, "source": source, "date": date}


def already_imported(source: str, sha256: str) -> bool:
    return SiteImport.objects.filter(source=source, sha256=sha256).exists()
