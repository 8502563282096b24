"""A tiny France of indicator files, written in the official formats: INSEE workbooks with their banner rows,
a Cartofriches CSV, an URSSAF CSV with BOM and semicolons, an INSEE « dossier complet » with `s`/`nd`."""

from pathlib import Path

from openpyxl import Workbook

BANNER = [
    ["Taux de chômage localisés par zone d'emploi, en moyenne trimestrielle : en France hors Mayotte et Guyane"],
    ["Source : Insee, Estimations de taux de chômage localisés."],
    [],
    [],
]
# zone code → (name, région code, région name)
ZONES = {"0051": ("Alençon", "00", "INTERRÉGIONAL"), "8405": ("Bourg en Bresse", "84", "AUVERGNE-RHÔNE-ALPES")}
ZONES |= {"2701": ("Dole", "27", "BOURGOGNE-FRANCHE-COMTÉ")}
# commune → (zone, regional part as the ZE file writes it)
MEMBERS = {
    "01001": ("8405", ""),
    "01002": ("8405", ""),
    "01003": ("0051", "0051-84"),
    "01004": ("8405", ""),
    "39001": ("0051", "0051-27"),
    "39002": ("2701", ""),
}
QUARTERS = ["2022-T4", "2023-T1", "2023-T2", "2023-T3"]
RATES = {"0051": [6.3, 6.4, 6.5, 6.5], "8405": [5.0, 5.1, 5.2, 5.4], "2701": [7.0, 7.2, None, 7.9]}
PART_RATES = {"8451": [6.0, 6.1, 6.2, 6.3], "2751": [6.6, 6.7, 6.8, 6.9]}


def _save(sheets: dict[str, list[list]], path: Path) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def unemployment_rows(quarters=QUARTERS, rates=RATES, banner=BANNER) -> list[list]:
    labels = ["Code de la zone d'emploi 2020", "Libellé de la zone d'emploi 2020", "Code région", "Libellé région"]
    rows = [
        *banner,
        [*labels, *(f"trimestre {q}" for q in quarters)],
        ["ZE2020", "LIBZE2020", "REG", "LIBREG", *quarters],
    ]
    for code, values in rates.items():
        name, region, region_name = ZONES.get(code, ("Zone", "99", "?"))
        rows.append([code, name, region, region_name, *values])
    return rows


def parts_rows(quarters=QUARTERS, rates=PART_RATES) -> list[list]:
    rows = [
        ["Taux de chômage localisés pour les parties régionales"],
        [],
        ["Libellés"],
        ["ZER2020", "LIBZER2020", *quarters],
    ]
    return rows + [[code, f"Partie {code}", *values] for code, values in rates.items()]


def write_unemployment(path: Path, *, sheets: dict | None = None) -> Path:
    default = {
        "Documentation": [["Taux de chômage localisés par zone d'emploi"]],
        "txcho_ze": unemployment_rows(),
        "txcho_parties reg": parts_rows(),
    }
    return _save(sheets if sheets is not None else default, path)


def ze_banner(year=2023) -> list[list]:
    return [
        ["Zones d'emploi 2020"],
        ["France - Composition communale"],
        [f"Mise en ligne le 17/03/2023       Géographie au 01/01/{year}"],
        ["@Insee       Source(s) : Insee, Code officiel géographique"],
    ]


def ze_sheets(members=MEMBERS, zones=ZONES) -> dict[str, list[list]]:
    zone_rows = [*ze_banner(), ["Zone d'emploi 2020", "Libellé", "Nombre communes"], ["ZE2020", "LIBZE2020", "NB_COM"]]
    zone_rows += [[code, name, 1] for code, (name, _, _) in zones.items()]
    labels = ["Code géographique communal", "Libellé", "Zone d'emploi 2020", "Libellé zone", "Partie", "Dép", "Rég"]
    commune_rows = [
        *ze_banner(),
        labels,
        ["CODGEO", "LIBGEO", "ZE2020", "LIBZE2020", "ZE2020_PARTIE_REG", "DEP", "REG"],
    ]
    for code, (zone, part) in members.items():
        commune_rows.append([code, f"Commune {code}", zone, zones.get(zone, ("?",))[0], part or None, code[:2], "84"])
    return {"ZE2020": zone_rows, "Composition_communale": commune_rows, "Variables": [["VAR_ID"]]}


def write_ze(path: Path, sheets: dict | None = None) -> Path:
    return _save(sheets if sheets is not None else ze_sheets(), path)


def filosofi_rows(rates: dict) -> list[list]:
    rows = [
        ["Fichier Localisé Social et Fiscal (FiLoSoFi) - Année 2019"],
        ["Taux de pauvreté - Ensemble"],
        ["Mise en ligne le 17/01/2022       Géographie au 01/01/2020"],
        ["©Insee"],
        ["Code géographique", "Libellé géographique", "Taux 40", "Taux 50", "Taux 60", "Médiane", "Intensité"],
        ["CODGEO", "LIBGEO", "TP4019", "TP5019", "TP6019", "TP60Q219", "TP60IP19"],
    ]
    return rows + [[code, f"Commune {code}", None, None, rate, 10000, 0.2] for code, rate in rates.items()]


def write_filosofi(path: Path, rates: dict) -> Path:
    return _save({"Sommaire": [["FiLoSoFi"]], "ENSEMBLE": filosofi_rows(rates)}, path)


BROWNFIELD_HEADER = "site_id,site_nom,site_statut,site_surface,comm_insee,comm_nom,unite_fonciere_surface,longitude"


def write_brownfields(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """rows: (commune, status, site surface in m², land unit surface in m²)."""
    lines = [BROWNFIELD_HEADER]
    for i, (code, status, surface, land) in enumerate(rows):
        lines.append(f'{code}_{i},"Site {i}, ancienne usine",{status},{surface},{code},Commune,{land},4.5')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


URSSAF_COLUMNS = ["Région", "Département", "Nom commune", "Code commune", "Secteur NA88", "APE"]


def write_urssaf(path: Path, rows: list[tuple], years=("2019", "2022"), encoding="utf-8-sig") -> Path:
    """rows: (commune, APE « code libellé », {year: (establishments, employees)})."""
    year_columns = [f"{label} {y}" for y in years for label in ("Nombre d'établissements", "Effectifs salariés")]
    lines = [";".join(URSSAF_COLUMNS + year_columns)]
    for code, ape, figures in rows:
        cells = ["Auvergne-Rhône-Alpes", code[:2], f"Commune {code}", code, f"{ape[:2]} Secteur", ape]
        for year in years:
            establishments, employees = figures.get(year, ("", ""))
            cells += [str(establishments), str(employees)]
        lines.append(";".join(cells))
    path.write_text("\r\n".join(lines) + "\r\n", encoding=encoding)
    return path


def write_dossier_complet(path: Path, rows: dict[str, tuple[str, str, str]]) -> Path:
    """rows: commune → (P21_EMPLT, ETBE21, MED21) as written in the file ("s", "nd" allowed)."""
    lines = ["CODGEO;P21_POP;P21_EMPLT;ETTOT21;ETBE21;MED21"]
    lines += [f"{code};1000;{jobs};50;{industry};{median}" for code, (jobs, industry, median) in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
