"""Population series from the decoupage-administratif editions installed by npm (`communes.json`, field
`population`). An edition's population is not of its COG year: each package links the INSEE page of the legal
populations it holds, read in its README:

| package (alias)           | version | COG  | INSEE page           | populations légales |
|---------------------------|---------|------|----------------------|---------------------|
| cog-2020                  | 0.8.0   | 2020 | statistiques/3677855 | 2016                |
| cog-2022 (and cog-2023)   | 2.3.1   | 2022 | statistiques/6683035 | 2019                |
| pop-2020                  | 4.0.0   | 2024 | statistiques/7739582 | 2020                |
| cog-2024                  | 4.1.0   | 2024 | statistiques/8290591 | 2021                |
| cog-2025 (and cog-2026)   | 5.3.0   | 2025 | statistiques/8680726 | 2022                |

Version 1.1.1 (COG 2021) holds 2018 and is not installed: COG 2021 is no edition of the platform, and 2018 adds
no five-year step to 2016–2022. No published version holds the 2023 legal populations yet (6.0.0 holds 2022).
"""

import json
from pathlib import Path

from django.conf import settings

from pilote.core.sources import sha256_of

from .. import catalogue
from ..enums import Level
from .base import COMMUNE_CODE, ImportFileError, Parsed, Report

# population vintage → (npm alias, COG year of its codes)
EDITIONS = {
    "2016": ("cog-2020", 2020),
    "2019": ("cog-2022", 2022),
    "2020": ("pop-2020", 2024),
    "2021": ("cog-2024", 2024),
    "2022": ("cog-2025", 2025),
}
SKIPPED_TYPES = {
    "arrondissement-municipal": "arrondissement municipal (sa population est comptée dans sa commune)",
    "commune-deleguee": "commune déléguée (comptée dans sa commune nouvelle)",
    "commune-associee": "commune associée (comptée dans sa commune de rattachement)",
}


def communes_file(vintage: str) -> Path:
    alias, _ = EDITIONS[vintage]
    return Path(settings.NODE_MODULES_DIR) / alias / "data" / "communes.json"


def is_available(vintage: str) -> bool:
    return communes_file(vintage).is_file()


def parse_population(vintage: str) -> Parsed:
    path = communes_file(vintage)
    alias, year = EDITIONS[vintage]
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportFileError(f"{alias}/data/communes.json : fichier illisible ({exc})") from exc
    if not isinstance(records, list) or not records:
        raise ImportFileError(f"{alias}/data/communes.json : aucune commune")
    values, report = {}, Report(read=len(records))
    for record in records:
        kind, code, population = record.get("type"), str(record.get("code", "")), record.get("population")
        if kind in SKIPPED_TYPES:
            report.leave_out(SKIPPED_TYPES[kind])
        elif kind != "commune-actuelle" or not COMMUNE_CODE.match(code):
            report.leave_out(f"entrée d'un autre type ({kind})")
        elif not isinstance(population, int | float):
            report.leave_out("commune sans population renseignée")
        else:
            values[(catalogue.POPULATION, vintage, Level.COMMUNE, code)] = float(population)
    report.mapped = len(values)
    report.notes.append(f"populations légales {vintage}, codes du COG {year} ({_package(path)})")
    return Parsed(f"population-{vintage}", f"{alias}/data/communes.json", sha256_of(path), year, values, report)


def _package(path: Path) -> str:
    try:
        meta = json.loads((path.parent.parent / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "version inconnue"
    return f"{meta.get('name', '?')} {meta.get('version', '?')}"
