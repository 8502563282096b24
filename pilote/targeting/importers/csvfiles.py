"""CSV sources: Cartofriches (Cerema), URSSAF establishments and salaried employment by commune × APE, INSEE
« dossier complet ».

- Cartofriches: one row per site (`comm_insee`, `site_statut`, `site_surface` in m²). Counted: verified
  brownfields, with or without a project. Left out and counted in the report: « friche potentielle » (a
  BASIAS/BASOL site nobody checked, not a brownfield) and « friche reconvertie » (no longer one). The surface is
  the site's, else the land unit's; a site with neither counts as a site with no hectares (said in the report).
- URSSAF (open data « Nombre d'établissements employeurs et effectifs salariés en fin d'année, par commune x
  APE »: private sector, general regime): semicolon CSV with BOM, `Code commune`, an APE column (`APE` or
  `Code APE`, else `Secteur NA88`: a value starting with the NAF code) and one `Nombre d'établissements YYYY` and
  one `Effectifs salariés YYYY` column per year. Industry = NAF sections B to E, divisions 05 to 39 (extractive,
  manufacturing, energy, water and waste), INSEE's « industrie » of its A5/A10 aggregations. An empty cell is a
  zero (the file lists every commune × APE pair over all its years).
- INSEE « dossier complet » (`dossier_complet.csv`): `CODGEO`, `;`, one column per variable and year; read:
  `PYY_EMPLT` (jobs at the place of work), `ETBEYY` (industrial establishments), `MEDYY` (median standard of
  living). `s` (secret) and `nd` (not available) are absent values, counted in the report.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path

from pilote.core.sources import sha256_of

from .. import catalogue
from ..enums import Level
from .base import COMMUNE_CODE, ImportFileError, Parsed, Report, csv_table, number, refuse_if

COUNTED = {"friche sans projet", "friche avec projet"}
LEFT_OUT = {
    "friche potentielle": "« friche potentielle » : site BASIAS/BASOL non vérifié, pas une friche avérée",
    "friche reconvertie": "« friche reconvertie » : plus une friche",
}
SQUARE_METRES_PER_HECTARE = 10_000


def require_edition(path: Path, geography_year: int | None) -> None:
    if geography_year is None:
        raise ImportFileError(f"{path.name} : millésime du COG des codes communes requis (option --edition)")


def parse_brownfields(path: Path, source: str, *, vintage: str, geography_year: int | None) -> Parsed:
    require_edition(path, geography_year)
    if not re.match(r"^\d{4}(-\d{2})?$", vintage):
        raise ImportFileError(f"{path.name} : millésime de l'inventaire requis (AAAA ou AAAA-MM, option --vintage)")
    _, rows = csv_table(path, ["comm_insee", "site_statut", "site_surface"], delimiter=",")
    sites, hectares, problems, report = Counter(), defaultdict(float), [], Report(read=len(rows))
    for line, row in rows:
        status, code = row["site_statut"].strip().lower(), row["comm_insee"]
        if status in LEFT_OUT:
            report.leave_out(LEFT_OUT[status])
        elif status not in COUNTED:
            report.leave_out(f"statut inconnu : « {status or 'vide'} »")
        elif not COMMUNE_CODE.match(code):
            problems.append(f"ligne {line} : code commune invalide {code!r} (colonnes décalées ?)")
        else:
            sites[code] += 1
            hectares[code] += _hectares(row, line, problems, report)
    refuse_if(problems, path.name)
    values = {(catalogue.BROWNFIELDS, vintage, Level.COMMUNE, c): float(n) for c, n in sites.items()}
    values |= {(catalogue.BROWNFIELD_HA, vintage, Level.COMMUNE, c): round(ha, 4) for c, ha in hectares.items()}
    report.mapped = sum(sites.values())
    report.notes.append(
        f"{report.mapped} friches dans {len(sites)} communes ; une commune absente de l'inventaire n'a aucune friche "
        "recensée (0)"
    )
    return Parsed(source, path.name, sha256_of(path), geography_year, values, report)


def _hectares(row: dict, line: int, problems: list[str], report: Report) -> float:
    raw = row["site_surface"] or row.get("unite_fonciere_surface", "")
    if not raw:
        report.leave_out("surface inconnue : le site est compté, sans hectares")
        return 0.0
    surface = number(raw, where=f"ligne {line}, surface", problems=problems)
    return (surface or 0.0) / SQUARE_METRES_PER_HECTARE


# --- URSSAF ------------------------------------------------------------------------------------------------------

URSSAF_YEAR = re.compile(r"^(Effectifs salariés|Nombre d'établissements) (\d{4})$")
APE_COLUMNS = ("APE", "Code APE", "Secteur NA88")
NAF_DIVISION = re.compile(r"^\s*(\d{2})")
INDUSTRY = range(5, 40)  # NAF divisions 05–39: sections B, C, D, E


def parse_urssaf(path: Path, source: str, *, geography_year: int | None) -> Parsed:
    require_edition(path, geography_year)
    header, rows = csv_table(path, ["Code commune"], delimiter=";")
    sector = next((c for c in APE_COLUMNS if c in header), None)
    if sector is None:
        raise ImportFileError(f"{path.name} : colonne d'activité absente ({' ou '.join(APE_COLUMNS)} attendue)")
    years = sorted({m[2] for name in header if (m := URSSAF_YEAR.match(name))})
    if not years:
        raise ImportFileError(
            f"{path.name} : aucune colonne « Effectifs salariés AAAA » ni « Nombre d'établissements »"
        )
    totals, problems, seen = defaultdict(float), [], {}
    report = Report(read=len(rows))
    for line, row in rows:
        code, division = row["Code commune"], _division(row[sector])
        key = (code, row[sector])
        if not COMMUNE_CODE.match(code):
            problems.append(f"ligne {line} : code commune invalide {code!r} (colonnes décalées ?)")
        elif division is None:
            problems.append(f"ligne {line} : activité illisible {row[sector][:40]!r} (code NAF attendu en tête)")
        elif key in seen:
            problems.append(f"ligne {line} : commune {code} et activité {row[sector][:10]} déjà lues ligne {seen[key]}")
        else:
            seen[key] = line
            _add_urssaf_row(row, line, code, division in INDUSTRY, years, totals, problems)
    refuse_if(problems, path.name)
    values = {(indicator, year, Level.COMMUNE, code): v for (indicator, year, code), v in totals.items()}
    report.mapped = len(seen)
    report.notes.append(
        f"années lues : {', '.join(years)} ; industrie = sections B à E de la NAF (divisions 05 à 39), "
        f"lue dans la colonne « {sector} »"
    )
    return Parsed(source, path.name, sha256_of(path), geography_year, values, report)


def _division(value: str) -> int | None:
    match = NAF_DIVISION.match(value)
    return int(match[1]) if match else None


def _add_urssaf_row(row, line, code, is_industry, years, totals, problems) -> None:
    for year in years:
        for column, total, industrial in (
            (f"Effectifs salariés {year}", catalogue.SALARIED_JOBS, catalogue.INDUSTRIAL_JOBS),
            (f"Nombre d'établissements {year}", catalogue.ESTABLISHMENTS, catalogue.INDUSTRIAL_ESTABLISHMENTS_URSSAF),
        ):
            cell = row.get(column, "")
            value = number(cell, where=f"ligne {line}, {column}", problems=problems) if cell else 0.0
            if value is None:
                continue
            totals[(total, year, code)] += value
            if is_industry:
                totals[(industrial, year, code)] += value
            elif (industrial, year, code) not in totals:
                totals[(industrial, year, code)] += 0.0


# --- INSEE dossier complet ---------------------------------------------------------------------------------------

DOSSIER_COLUMNS = {
    re.compile(r"^P(\d{2})_EMPLT$"): catalogue.JOBS_AT_WORKPLACE,
    re.compile(r"^ETBE(\d{2})$"): catalogue.INDUSTRIAL_ESTABLISHMENTS,
    re.compile(r"^MED(\d{2})$"): catalogue.MEDIAN_INCOME,
}
ABSENT = {"s": "valeur soumise au secret statistique (« s »)", "nd": "valeur non disponible (« nd »)"}


def parse_dossier_complet(path: Path, source: str, *, geography_year: int | None) -> Parsed:
    require_edition(path, geography_year)
    header, rows = csv_table(path, ["CODGEO"], delimiter=";")
    columns = _dossier_columns(header)
    if not columns:
        raise ImportFileError(f"{path.name} : aucune colonne PAA_EMPLT, ETBEAA ni MEDAA")
    values, problems, seen, report = {}, [], {}, Report(read=len(rows))
    for line, row in rows:
        code = row["CODGEO"]
        if not COMMUNE_CODE.match(code):
            problems.append(f"ligne {line} : code commune invalide {code!r} (colonnes décalées ?)")
            continue
        if code in seen:
            problems.append(f"ligne {line} : commune {code} déjà listée ligne {seen[code]}")
            continue
        seen[code] = line
        for column, (indicator, vintage) in columns.items():
            cell = row[column]
            if cell.lower() in ABSENT or not cell:
                report.leave_out(ABSENT.get(cell.lower(), "valeur vide"))
            elif (value := number(cell, where=f"ligne {line}, {column}", problems=problems)) is not None:
                values[(indicator, vintage, Level.COMMUNE, code)] = value
    refuse_if(problems, path.name)
    report.mapped = len(values)
    report.notes.append("colonnes lues : " + ", ".join(f"{c} → {i} {v}" for c, (i, v) in columns.items()))
    return Parsed(source, path.name, sha256_of(path), geography_year, values, report)


def _dossier_columns(header: list[str]) -> dict[str, tuple[str, str]]:
    found = {}
    for name in header:
        for pattern, indicator in DOSSIER_COLUMNS.items():
            if match := pattern.match(name):
                found[name] = (indicator, f"20{match[1]}")
    return found
