"""INSEE workbooks: zones d'emploi composition (ZE2020), local unemployment by zone d'emploi, Filosofi poverty rates.

Each official workbook has banner rows (title, source, date, geography) above a row of French labels and a row of
variable codes: the code row is looked for, never assumed, and later editions that add quarter columns are read
whole. The commune codes are those of the geography printed in the banner ("Géographie au 01/01/2023").
"""

import re
from pathlib import Path

from pilote.core.sources import sha256_of

from .. import catalogue
from ..enums import Level
from ..models import Dataset, Zone, ZoneCommune
from .base import (
    COMMUNE_CODE,
    ImportFileError,
    Parsed,
    Report,
    find_header,
    insert_rows,
    number,
    open_workbook,
    refuse_if,
    rows_of,
    sheet,
)

ZONING = "ZE2020"
QUARTER = re.compile(r"^(\d{4})-T([1-4])$")
ZONE_CODE = re.compile(r"^\d{4}$")
GEOGRAPHY = re.compile(r"G[ée]ographie au \d{2}/\d{2}/(\d{4})")
POVERTY_COLUMN = re.compile(r"^TP60(\d{2})$")


def _banner_year(banner_rows: list[tuple], path: Path) -> int:
    for row in banner_rows:
        for cell in row:
            if isinstance(cell, str) and (match := GEOGRAPHY.search(cell)):
                return int(match[1])
    raise ImportFileError(f"{path.name} : géographie des codes introuvable (« Géographie au JJ/MM/AAAA » attendu)")


def _read_table(workbook, path: Path, sheet_name: str, required: list[str]) -> tuple[list[str], list, list]:
    """(header codes, banner rows, data rows) of one sheet of an open workbook."""
    rows = rows_of(sheet(workbook, sheet_name, path))
    banner = []

    def remembered():
        for row in rows:
            banner.append(row)
            yield row

    found, header = find_header(remembered(), required, f"{path.name}, onglet « {sheet_name} »")
    data = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not data:
        raise ImportFileError(f"{path.name}, onglet « {sheet_name} » : aucune ligne de données sous l'en-tête")
    return header, banner[: found - 1], data


def _read_tables(path: Path, *tables: tuple[str, list[str]], optional: str = "") -> list:
    """Each table of the workbook (sheet name, required codes), the workbook opened once; an `optional` sheet that
    is absent reads as None."""
    with open_workbook(path) as workbook:
        return [
            None if name == optional and name not in workbook.sheetnames else _read_table(workbook, path, name, req)
            for name, req in tables
        ]


def _cell(row: tuple, index: int):
    return row[index] if index < len(row) else None


def _code(value) -> str:
    return str(value).strip() if value is not None else ""


# --- zones d'emploi ----------------------------------------------------------------------------------------------


def parse_zones(path: Path, source: str) -> Parsed:
    """The ZE2020 workbook: the list of zones (sheet ZE2020) and the zone of each commune (Composition_communale),
    with the regional part of the interregional zones (`0059-84` in the file, `8459` as the unemployment sheet
    `txcho_parties reg` codes it)."""
    (zone_header, _, zone_rows), (header, banner, rows) = _read_tables(
        path, (ZONING, ["ZE2020", "LIBZE2020"]), ("Composition_communale", ["CODGEO", "ZE2020"])
    )
    names, problems = _zone_names(zone_header, zone_rows)
    refuse_if(problems, f"{path.name}, onglet « {ZONING} »")
    year = _banner_year(banner, path)
    at = {name: header.index(name) for name in ("CODGEO", "ZE2020")}
    part_at = header.index("ZE2020_PARTIE_REG") if "ZE2020_PARTIE_REG" in header else None
    members, seen, report = {}, {}, Report(read=len(rows))
    for line, row in enumerate(rows, start=len(banner) + 2):
        commune, zone = _code(_cell(row, at["CODGEO"])), _code(_cell(row, at["ZE2020"]))
        problem = _member_problem(commune, zone, names, seen, line)
        if problem:
            problems.append(problem)
            continue
        seen[commune] = line
        members[commune] = (zone, _part_code(_cell(row, part_at) if part_at is not None else None))
    refuse_if(problems, f"{path.name}, onglet « Composition_communale »")
    report.mapped = len(members)
    parts = sum(1 for _, part in members.values() if part)
    report.notes.append(
        f"{len(names)} zones d'emploi ; {len(members)} communes (COG {year}), dont {parts} dans la partie régionale "
        "d'une zone interrégionale"
    )
    return Parsed(
        source, path.name, sha256_of(path), year, {}, report, write_extra=lambda d: _write_zones(d, names, members)
    )


def _zone_names(header: list[str], rows: list[tuple]) -> tuple[dict[str, str], list[str]]:
    code_at, name_at = header.index("ZE2020"), header.index("LIBZE2020")
    names, problems = {}, []
    for row in rows:
        code, name = _code(_cell(row, code_at)), _code(_cell(row, name_at))
        if not ZONE_CODE.match(code):
            problems.append(f"code de zone invalide : {code!r} (colonnes décalées ?)")
        elif code in names:
            problems.append(f"zone {code} listée deux fois")
        else:
            names[code] = name
    return names, problems


def _member_problem(commune: str, zone: str, names: dict, seen: dict, line: int) -> str:
    if not COMMUNE_CODE.match(commune):
        return f"ligne {line} : code commune invalide {commune!r} (colonnes décalées ?)"
    if commune in seen:
        return f"ligne {line} : commune {commune} déjà listée ligne {seen[commune]}"
    if zone not in names:
        return f"ligne {line} : commune {commune} dans une zone inconnue de l'onglet ZE2020 : {zone!r}"
    return ""


def _part_code(value) -> str:
    """`0059-84` (zone 0059, its part in région 84) → `8459`, the code of the same part in the unemployment file."""
    match = re.match(r"^00(\d{2})-(\d{2})$", _code(value))
    return f"{match[2]}{match[1]}" if match else ""


def _write_zones(dataset: Dataset, names: dict[str, str], members: dict[str, tuple[str, str]]) -> None:
    existing = {z.code: z for z in Zone.objects.filter(zoning=ZONING)}
    for code, name in names.items():
        if code not in existing:
            Zone.objects.create(zoning=ZONING, code=code, name=name, region_code=code[:2])
        elif existing[code].name != name:
            Zone.objects.filter(pk=existing[code].pk).update(name=name)
    ZoneCommune.objects.filter(zoning=ZONING, geography_year=dataset.geography_year).delete()
    insert_rows(
        ZoneCommune,
        ["dataset_id", "zoning", "geography_year", "commune_code", "zone_code", "zone_part_code"],
        [(dataset.pk, ZONING, dataset.geography_year, c, zone, part) for c, (zone, part) in sorted(members.items())],
    )


# --- local unemployment ------------------------------------------------------------------------------------------


def parse_unemployment(path: Path, source: str) -> Parsed:
    """Every quarter of sheet `txcho_ze` (zones) and `txcho_parties reg` (regional parts of the interregional
    zones, when present). The workbook has no France row: France's rate is computed from the zones (compute.py)."""
    values, report = {}, Report()
    known = set(Zone.objects.filter(zoning=ZONING).values_list("code", flat=True))
    zones, parts = _read_tables(
        path, ("txcho_ze", ["ZE2020"]), ("txcho_parties reg", ["ZER2020"]), optional="txcho_parties reg"
    )
    _read_rates(path, "txcho_ze", zones, "ZE2020", values, report, known)
    if parts is None:
        report.notes.append("onglet « txcho_parties reg » absent : pas de taux par partie régionale")
    else:
        _read_rates(path, "txcho_parties reg", parts, "ZER2020", values, report, set())
    quarters = sorted({vintage for _, vintage, _, _ in values}, key=_quarter_key)
    report.notes.insert(0, f"trimestres lus : {quarters[0]} à {quarters[-1]} ({len(quarters)})")
    if not known:
        report.notes.append("zonage ZE2020 non importé : les codes de zone n'ont pas été vérifiés")
    return Parsed(source, path.name, sha256_of(path), None, values, report)


def _quarter_key(vintage: str) -> tuple[int, int]:
    match = QUARTER.match(vintage)
    return int(match[1]), int(match[2])


def _read_rates(path: Path, sheet_name: str, table, code_column: str, values: dict, report: Report, known: set):
    header, banner, rows = table
    quarters = [(i, name) for i, name in enumerate(header) if QUARTER.match(name)]
    where = f"{path.name}, onglet « {sheet_name} »"
    if not quarters:
        raise ImportFileError(f"{where} : aucune colonne de trimestre (AAAA-T1 … AAAA-T4) dans l'en-tête")
    code_at, problems, seen = header.index(code_column), [], {}
    for line, row in enumerate(rows, start=len(banner) + 2):
        report.read += 1
        code = _code(_cell(row, code_at))
        problem = _zone_problem(code, seen, known, line)
        if problem:
            problems.append(problem)
            continue
        seen[code] = line
        for index, quarter in quarters:
            cell = _cell(row, index)
            if cell in (None, ""):
                report.leave_out("trimestre non publié pour la zone (séries des DROM depuis 2014)")
                continue
            rate = number(cell, where=f"ligne {line}, {quarter}", problems=problems)
            if rate is not None and not 0 <= rate <= 100:
                problems.append(f"ligne {line}, {quarter} : taux hors de 0–100 : {rate}")
            elif rate is not None:
                values[(catalogue.UNEMPLOYMENT, quarter, Level.ZONE_EMPLOI, code)] = rate
                report.mapped += 1
    refuse_if(problems, where)


def _zone_problem(code: str, seen: dict, known: set, line: int) -> str:
    if not ZONE_CODE.match(code):
        return f"ligne {line} : code de zone invalide {code!r} (colonnes décalées ?)"
    if code in seen:
        return f"ligne {line} : zone {code} déjà listée ligne {seen[code]}"
    if known and code not in known:
        return f"ligne {line} : zone {code} inconnue du zonage ZE2020 importé"
    return ""


# --- Filosofi ----------------------------------------------------------------------------------------------------


def parse_filosofi(path: Path, source: str) -> Parsed:
    """Sheet ENSEMBLE, poverty rate at 60 % of the median (TP60YY); a commune listed without a rate is under
    statistical secrecy: absent, counted in the report."""
    ((header, banner, rows),) = _read_tables(path, ("ENSEMBLE", ["CODGEO"]))
    columns = [(i, POVERTY_COLUMN.match(name)) for i, name in enumerate(header) if POVERTY_COLUMN.match(name)]
    if not columns:
        raise ImportFileError(f"{path.name}, onglet « ENSEMBLE » : colonne TP60AA (taux de pauvreté) absente")
    rate_at, match = columns[0]
    vintage = f"20{match[1]}"
    year = _banner_year(banner, path)
    code_at, values, problems, seen = header.index("CODGEO"), {}, [], {}
    report = Report(read=len(rows))
    for line, row in enumerate(rows, start=len(banner) + 2):
        code, cell = _code(_cell(row, code_at)), _cell(row, rate_at)
        if not COMMUNE_CODE.match(code):
            problems.append(f"ligne {line} : code commune invalide {code!r} (colonnes décalées ?)")
        elif code in seen:
            problems.append(f"ligne {line} : commune {code} déjà listée ligne {seen[code]}")
        elif cell in (None, "", "s", "nd"):
            seen[code] = line
            report.leave_out("taux soumis au secret statistique (non diffusé)")
        elif (rate := number(cell, where=f"ligne {line}", problems=problems)) is not None:
            seen[code] = line
            values[(catalogue.POVERTY, vintage, Level.COMMUNE, code)] = rate
    refuse_if(problems, f"{path.name}, onglet « ENSEMBLE »")
    report.mapped = len(values)
    report.notes.append(
        f"taux de pauvreté {vintage} de {len(values)} communes (COG {year}) ; les autres communes de France ne "
        "sont pas publiées (moins de 1 000 ménages fiscaux) : la valeur d'un territoire dit sa couverture"
    )
    return Parsed(source, path.name, sha256_of(path), year, values, report)
