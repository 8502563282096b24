"""Cartofriches (Cerema), the national inventory of brownfields in the CNIG Friches schema (schema-friches): one row
per site, `site_id` (prefix = INSEE code of the commune), `comm_insee`, `site_surface` in m², WGS84 `longitude` /
`latitude`, and the facts that qualify the site for industrial use.

Every site is kept: « friche potentielle » (a BASIAS/BASOL site nobody checked) is a fact of the site
(`is_verified_brownfield` False), not a reason to leave it out. A site whose commune is not one of the platform's
edition (nor an older code of one) is kept without a place and reported. A brownfield is artificialised land: it
consumes no natural, agricultural or forest land (ZAN). Cells « inconnu » or empty are unknown (None), never "no".
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import orjson
from django.db import connection
from django.utils import timezone

from pilote.core.bulk import collector_paused
from pilote.core.sources import sha256_of
from pilote.geography.projection import UnknownEdition

from ..enums import LabelState, SiteKind, SiteOrigin
from ..models import Site
from ..places import Place, Placer
from .base import (
    COMMUNE_CODE,
    ImportFileError,
    Report,
    column_index,
    csv_table,
    fact,
    number,
    refuse_if,
)

SOURCE = "cartofriches"
REQUIRED = ["site_id", "site_nom", "site_statut", "site_surface", "comm_insee", "longitude", "latitude"]
UNKNOWN = {"", "inconnu", "na", "sans objet"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
POLLUTION_KNOWN = {
    "pollution avérée": True,
    "pollution supposée": True,
    "pollution inexistante": False,
    "pollution peu probable": False,
}
# file column → fact key, for the facts kept as the file writes them (text)
TEXT_FACTS = {
    "site_statut": "brownfield_status",
    "site_type": "brownfield_type",
    "site_occupation": "occupation",
    "activite_libelle": "former_activity",
    "activite_code": "former_activity_code",
    "sol_pollution_existe": "pollution",
    "site_numero_basias": "basias_number",
    "site_numero_basol": "basol_number",
    "bati_pollution": "building_pollution",
    "bati_etat": "building_condition",
    "proprio_personne": "owner_type",
    "urba_zone_type": "zoning",
    "urba_zone_lib": "zoning_label",
    "urba_doc_type": "planning_document",
    "site_reconv_type": "conversion_kind",
}
NUMBER_FACTS = {
    "desserte_distance_route": "distance_road_m",
    "desserte_distance_ferroviaire": "rail_distance_m",  # the keys the qualification method reads
    "desserte_distance_fluvial": "waterway_distance_m",
    "desserte_distance_maritime": "distance_sea_m",
    "bati_nombre": "buildings_count",
    "bati_surface": "built_area_m2",
    "unite_fonciere_surface": "land_unit_area_m2",
    "activite_fin_annee": "activity_end_year",
}
COLUMNS = [
    "identifier", "name", "kind", "origin", "latitude", "longitude", "area_m2", "commune_code", "epci_siren",
    "departement_code", "region_code", "territories", "is_artificialised", "facts",
    # set on creation only
    "polygon", "added_facts", "label_state", "is_demo", "revision", "created_at", "updated_at",
]  # fmt: skip
UPDATED = COLUMNS[1:14] + ["updated_at"]


@dataclass
class ParsedSites:
    file_name: str
    sha256: str
    rows: list[tuple] = field(default_factory=list)  # in the order of COLUMNS
    report: Report = field(default_factory=Report)


def parse(path: Path, *, vintage_date: str = "2024-03-10", placer: Placer | None = None) -> ParsedSites:
    with collector_paused():
        header, rows = csv_table(path, REQUIRED)
        try:
            placer = placer or Placer()
        except UnknownEdition as exc:
            raise ImportFileError(
                f"{path.name} : COG {exc} absent, importez la géographie d'abord (import_geography)"
            ) from exc
        parsed = ParsedSites(path.name, sha256_of(path), report=Report(read=len(rows)))
        problems = _read(parsed, header, rows, placer, vintage_date)
    refuse_if(problems, path.name)
    return parsed


def _read(parsed: ParsedSites, header: list[str], rows: list, placer: Placer, vintage_date: str) -> list[str]:
    """Fills `parsed.rows` with the sites of the file; returns the problems found."""
    at, problems, seen, places, now = column_index(header), [], {}, {}, timezone.now()
    for line, row in rows:
        site = _site(row, at, line, problems, vintage_date)
        if site is None:
            continue
        if site["identifier"] in seen:
            problems.append(f"ligne {line} : site {site['identifier']} déjà lu ligne {seen[site['identifier']]}")
            continue
        seen[site["identifier"]] = line
        code = row[at["comm_insee"]].strip()
        if code not in places:  # a commune holds several sites: placed once
            places[code] = _place(code, placer)
        _report_place(site, code, places[code], parsed.report, placer)
        parsed.rows.append(_row(site, places[code], now))
    return problems


def _site(row: list[str], at: dict, line: int, problems: list[str], vintage_date: str) -> dict | None:
    identifier, code = row[at["site_id"]].strip(), row[at["comm_insee"]].strip()
    before = len(problems)
    if not identifier or len(identifier) > 60:
        problems.append(f"ligne {line} : identifiant de site vide ou trop long {identifier[:70]!r}")
    if not COMMUNE_CODE.match(code):
        problems.append(f"ligne {line} : code commune invalide {code!r} (colonnes décalées ?)")
    raw_latitude, raw_longitude = row[at["latitude"]], row[at["longitude"]]
    latitude = number(raw_latitude, where=f"ligne {line}, latitude", problems=problems)
    longitude = number(raw_longitude, where=f"ligne {line}, longitude", problems=problems)
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        problems.append(f"ligne {line} : coordonnées absentes ou hors limites ({raw_latitude!r}, {raw_longitude!r})")
    area = number(row[at["site_surface"]], where=f"ligne {line}, surface du site", problems=problems, minimum=0)
    facts = _facts(row, at, line, problems, vintage_date)
    if len(problems) > before:
        return None
    name = row[at["site_nom"]].strip() or f"Friche {identifier}"
    return {"identifier": identifier, "name": name[:300], "latitude": latitude, "longitude": longitude,
            "area": area if area is not None else facts["land_unit_area_m2"]["value"], "facts": facts}  # fmt: skip


def _facts(row: list[str], at: dict, line: int, problems: list[str], vintage_date: str) -> dict:
    """The facts of one row: the hot loop of the import (24,000 rows × 27 facts), so the text cells go through a
    cache (`_text`) and an empty number cell skips `number`."""
    actu = row[at["site_actu_date"]]
    date = actu[:10] if DATE.match(actu) else vintage_date
    source = f"Cartofriches (Cerema) — {row[at['nature']].strip() or 'inventaire national'}"
    facts = {
        key: {"value": _text(row[at[column]]), "source": source, "date": date} for column, key in TEXT_FACTS.items()
    }
    for column, key in NUMBER_FACTS.items():
        raw = row[at[column]]
        value = number(raw, where=f"ligne {line}, {column}", problems=problems, minimum=0) if raw else None
        facts[key] = {"value": value, "source": source, "date": date}
    facts["is_verified_brownfield"] = fact(row[at["site_statut"]].strip().lower() != "friche potentielle", source, date)
    facts["pollution_known"] = fact(POLLUTION_KNOWN.get(facts["pollution"]["value"]), source, date)
    facts["owner_category"] = fact(_owner_category(row[at["l_catpro3txt"]]), source, date)
    facts["is_brownfield"] = fact(True, source, date)
    return facts


@lru_cache(maxsize=65_536)
def _text(raw: str | None) -> str | None:
    """A text cell as a fact's value (« inconnu » or empty: None); cached, the same words fill most cells."""
    if not raw:
        return None
    value = raw.strip()
    return None if value.lower() in UNKNOWN else value


@lru_cache(maxsize=65_536)
def _owner_category(raw: str | None) -> str | None:
    """`{"PERSONNE PHYSIQUE"}` or `{COMMUNE,SCI}` (a PostgreSQL array as text) → « COMMUNE ; SCI »."""
    items = [item.strip().strip('"') for item in (raw or "").strip("{}").split(",")]
    items = [item for item in items if item and item.upper() != "NULL"]
    return " ; ".join(items) or None


def _place(code: str, placer: Placer) -> tuple[Place | None, tuple, str]:
    """The place of a commune code of the file, its columns and its territories as JSON."""
    place = placer.place(code)
    if place is None:
        return None, ("", "", "", ""), "{}"
    return place, (place.commune, place.epci, place.departement, place.region), _json(place.territories)


def _report_place(site: dict, code: str, placed: tuple, report: Report, placer: Placer) -> None:
    place = placed[0]
    if place is None:
        report.leave_out(f"commune absente du COG {placer.index.year} : site gardé sans commune")
        site["facts"]["commune_in_file"] = fact(code, "Cartofriches (Cerema)", site["facts"]["zoning"]["date"])
    elif place.commune != code:
        report.leave_out(f"ancien code commune rapporté à la commune du COG {placer.index.year}")


def _json(value) -> str:
    """JSON text for a JSON column; orjson: `json.dumps` of the facts took a third of the parsing."""
    return orjson.dumps(value).decode()


def _row(site: dict, placed: tuple, now) -> tuple:
    _, where, territories = placed
    return (
        site["identifier"], site["name"], SiteKind.BROWNFIELD, SiteOrigin.CARTOFRICHES, site["latitude"],
        site["longitude"], site["area"], *where, territories, True, _json(site["facts"]),
        "", "{}", LabelState.POOL, False, 1, now, now,
    )  # fmt: skip


def upsert_sql() -> str:
    """One statement for SQLite and PostgreSQL: a new site is inserted; a known one gets the file's facts and place,
    and keeps what people added (added facts, polygon, label state)."""
    table = Site._meta.db_table
    updates = ", ".join(f"{column} = excluded.{column}" for column in UPDATED)
    return (
        f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))}) "
        f"ON CONFLICT (identifier) DO UPDATE SET {updates}, revision = {table}.revision + 1"
    )


def write_rows(parsed: ParsedSites) -> None:
    known = set(Site.objects.values_list("identifier", flat=True)) & {row[0] for row in parsed.rows}
    parsed.report.updated = len(known)
    parsed.report.created = len(parsed.rows) - len(known)
    with connection.cursor() as cursor:
        cursor.executemany(upsert_sql(), parsed.rows)
