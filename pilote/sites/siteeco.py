"""CNIG « Sites économiques » (v1.0.1): import of the SITE-ECO / TERRAIN-ECO files regions and EPCI publish, and the
rows of the export of labelled sites in the same format.

A SITE-ECO row is an activity zone, a TERRAIN-ECO row a plot in it (`site_id` links them). Each plot becomes a site of
the pool (kind « terrain de zone d'activités », identifier `terr_id`); a zone published without plots becomes one
site of its available area (`site_surf_comm_dispo`). Plots already sold or occupied are not candidates: counted in the
report, not imported. Files come as CSV (`;` or `,`) or as one GeoPackage holding the tables `site_eco` and
`terrain_eco`; both are validated with `frictionless` against the official table schemas (data/manifest.toml) before
anything is written, and every error is reported in French. Surfaces are in hectares, distances in km (the schema's
units); geometries in degrees or Lambert-93 (converted).
"""

import csv
import hashlib
import io
import json
import math
import sqlite3
import tempfile
from dataclasses import dataclass, field

import shapely
import shapely.errors
from django.db import transaction
from django.db.models import F

from pilote.core.sources import fetch_named
from pilote.geography.models import Commune
from pilote.geography.projection import UnknownEdition

from . import lambert93
from .enums import LabelState, SiteKind, SiteOrigin
from .models import Site, SiteImport
from .places import Place, Placer

SOURCE = "cnig_site_eco"
SCHEMAS = {"site-eco": "cnig-site-eco-schema", "terrain-eco": "cnig-terrain-eco-schema"}
TABLE_NAMES = {name.replace("-", sep): name for name in ("site-eco", "terrain-eco") for sep in "-_"}
GEOMETRY = {"site-eco": "site_geomsurf", "terrain-eco": "terr_geomsurf"}
MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 20
HA = 10_000
NOT_CANDIDATE_OCCUPATION = ("occupé",)
NOT_CANDIDATE_SALE = ("vendu",)
CONTROLLED = ("commun", "intercommunal", "aménageur", "public", "epf", "collectivité", "département", "région", "état")


class SiteEcoRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(" ; ".join(errors))
        self.errors = errors


@dataclass
class SiteEcoReport:
    file_name: str
    created: int = 0
    updated: int = 0
    left_out: list[str] = field(default_factory=list)  # French, one line per row not imported
    notes: list[str] = field(default_factory=list)  # French, what was imported with a reservation
    already_imported: bool = False

    def as_text(self) -> str:
        if self.already_imported:
            return f"{self.file_name} : fichier déjà importé (même empreinte), rien n'a changé."
        return (f"{self.file_name} : {self.created} sites créés, {self.updated} mis à jour, "
                f"{len(self.left_out)} terrains écartés.{''.join(' ' + note for note in self.notes)}")  # fmt: skip


# --- reading -----------------------------------------------------------------------------------------------------


def read_csv(data: bytes, table: str) -> list[list[str]]:
    if not data.strip():
        raise SiteEcoRefused([f"Le fichier {table.upper()} est vide."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SiteEcoRefused([f"Le fichier {table.upper()} n'est pas un CSV encodé en UTF-8."]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in row)]


def read_geopackage(data: bytes) -> dict[str, list[list]]:
    """The tables site_eco and terrain_eco of a GeoPackage, geometries as GeoJSON text in the schema's column."""
    if not data.startswith(b"SQLite format 3\x00"):
        raise SiteEcoRefused(["Le fichier n'est pas un GeoPackage (base SQLite)."])
    with tempfile.NamedTemporaryFile(suffix=".gpkg") as handle:
        handle.write(data)
        handle.flush()
        connection = sqlite3.connect(f"file:{handle.name}?mode=ro", uri=True)
        try:
            return _gpkg_tables(connection)
        except sqlite3.DatabaseError as error:
            raise SiteEcoRefused([f"GeoPackage illisible : {error}."]) from None
        finally:
            connection.close()


def _gpkg_tables(connection) -> dict[str, list[list]]:
    geometry_columns = dict(connection.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    tables = {}
    for (name,) in connection.execute("SELECT table_name FROM gpkg_contents"):
        table = TABLE_NAMES.get(name.lower())
        if table is None:
            continue
        cursor = connection.execute(f'SELECT * FROM "{name}"')  # noqa: S608 — a name listed by gpkg_contents
        header = [d[0] for d in cursor.description]
        geometry = geometry_columns.get(name)
        rows = [[_gpkg_cell(header[i] == geometry, v) for i, v in enumerate(row)] for row in cursor]
        header = [GEOMETRY[table] if h == geometry else h for h in header]
        order = {name: i for i, name in enumerate(_field_names(table))}  # a table's columns have no order: the schema's
        keep = sorted((i for i, h in enumerate(header) if h != "fid"), key=lambda i: order.get(header[i], len(order)))
        tables[table] = [[header[i] for i in keep]] + [[row[i] for i in keep] for row in rows]
    if "site-eco" not in tables:
        raise SiteEcoRefused(["Le GeoPackage ne contient pas de table « site_eco »."])
    return tables


def _gpkg_cell(is_geometry: bool, value):
    if not is_geometry or value is None:
        return "" if value is None else str(value)
    blob = bytes(value)
    if blob[:2] != b"GP":
        raise SiteEcoRefused(["Une géométrie du GeoPackage n'est pas au format GeoPackage (en-tête « GP » absent)."])
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((blob[3] >> 1) & 0b111, 0)
    return shapely.to_geojson(shapely.from_wkb(blob[8 + envelope :]))


# --- validation ----------------------------------------------------------------------------------------------------

FRENCH = {
    "type-error": "valeur d'un type inattendu",
    "constraint-error": "valeur hors des valeurs autorisées ou manquante",
    "missing-cell": "cellule manquante",
    "extra-cell": "cellule en trop",
    "missing-label": "colonne manquante",
    "extra-label": "colonne inconnue du schéma",
    "incorrect-label": "colonne mal nommée ou mal placée",
    "duplicate-label": "colonne en double",
    "blank-label": "nom de colonne vide",
    "primary-key": "identifiant en double",
    "blank-row": "ligne vide",
}


def validate(table: str, rows: list[list]) -> list[dict]:
    """The rows as dicts typed by the schema, or SiteEcoRefused listing the errors in French."""
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(json.loads(fetch_named(SCHEMAS[table]).read_text(encoding="utf-8")))
    resource = Resource(data=rows, schema=schema)
    report = resource.validate(limit_errors=MAX_ERRORS)
    if not report.valid:
        raise SiteEcoRefused([_french(table, error) for task in report.tasks for error in task.errors] or
                             [f"Fichier {table.upper()} invalide : {e}" for e in report.errors])  # fmt: skip
    with Resource(data=rows, schema=schema) as typed:
        return [row.to_dict() for row in typed.row_stream]


def _french(table: str, error) -> str:
    where = f"{table.upper()}"
    if getattr(error, "row_number", None):
        where += f", ligne {error.row_number}"
    name = getattr(error, "field_name", None) or getattr(error, "label", None)
    if name:
        where += f", colonne « {name} »"
    cell = getattr(error, "cell", None)
    shown = f" (« {str(cell)[:40]} »)" if cell not in (None, "") else ""
    return f"{where} : {FRENCH.get(error.type, error.title)}{shown}."


# --- import --------------------------------------------------------------------------------------------------------


def import_site_eco(
    sites: bytes, terrains: bytes | None, file_name: str, *, geopackage: bool = False, user=None, dry_run=False
) -> SiteEcoReport:
    """Validate both tables, then create or update the sites in one transaction (people's added facts are kept)."""
    digest = hashlib.sha256(sites + (terrains or b"")).hexdigest()
    report = SiteEcoReport(file_name)
    if SiteImport.objects.filter(source=SOURCE, sha256=digest).exists():
        report.already_imported = True
        return report
    if len(sites) + len(terrains or b"") > MAX_BYTES:
        raise SiteEcoRefused(["Le fichier dépasse 50 Mo."])
    tables = read_geopackage(sites) if geopackage else {"site-eco": read_csv(sites, "site-eco")}
    if terrains is not None:
        tables["terrain-eco"] = read_csv(terrains, "terrain-eco")
    zones = {row["site_id"]: row for row in validate("site-eco", tables["site-eco"])}
    plots = validate("terrain-eco", tables["terrain-eco"]) if "terrain-eco" in tables else []
    candidates = _candidates(zones, plots, report)
    if not dry_run:
        _write(candidates, file_name, digest, user, report)
    return report


def _candidates(zones: dict, plots: list[dict], report: SiteEcoReport) -> list[Site]:
    places = _places({z["site_comm_insee"] for z in zones.values()}, report)
    result, with_plots = [], set()
    for plot in plots:
        zone = zones.get(plot["site_id"])
        if zone is None:
            raise SiteEcoRefused([f"TERRAIN-ECO, terrain {plot['terr_id']} : la zone {plot['site_id']} est absente "
                                  "du fichier SITE-ECO."])  # fmt: skip
        with_plots.add(zone["site_id"])
        if reason := _not_candidate(plot):
            report.left_out.append(f"Terrain {plot['terr_id']} ({zone['site_nom']}) : {reason}.")
            continue
        result.append(_site(zone, plot, places))
    result += [_site(zone, None, places) for key, zone in zones.items() if key not in with_plots]
    return result


def _not_candidate(plot: dict) -> str:
    if any(w in (plot["terr_etat_occup"] or "").lower() for w in NOT_CANDIDATE_OCCUPATION):
        return "déjà occupé"
    if any((plot["terr_stade_comm"] or "").lower().startswith(w) for w in NOT_CANDIDATE_SALE):
        return "déjà vendu"
    return ""


def _places(codes: set[str], report: SiteEcoReport) -> dict[str, Place | None]:
    """Commune of the file → its place (commune of the platform's edition, EPCI, département, région, territory of
    each phase), by the rule of every importer (sites.places); a commune the edition does not know is reported."""
    try:
        placer = Placer()  # every commune: a file may name one by an older code
    except UnknownEdition as exc:
        raise SiteEcoRefused([f"COG {exc} absent : importez la géographie d'abord (import_geography)."]) from None
    places = {code: placer.place(code) for code in codes}
    for code in sorted(code for code, place in places.items() if place is None):
        report.notes.append(f"Commune {code} absente du COG {placer.index.year} : site(s) gardé(s) sans commune.")
    return places


def _site(zone: dict, plot: dict | None, places: dict) -> Site:
    source, day = _source(zone, plot)
    place = places.get(zone["site_comm_insee"])
    identifier = plot["terr_id"] if plot else zone["site_id"]
    geometry = _geometry(plot["terr_geomsurf"] if plot else zone["site_geomsurf"], identifier)
    longitude, latitude = _point(zone, geometry)
    hectares = plot["terr_surf_brute"] if plot else zone["site_surf_comm_dispo"]
    return Site(
        identifier=identifier,
        name=f"{zone['site_nom']} — {plot['terr_refcad'] or plot['terr_id']}" if plot else zone["site_nom"],
        kind=SiteKind.ZONE_PLOT,
        origin=SiteOrigin.SITE_ECO,
        latitude=latitude,
        longitude=longitude,
        polygon=json.dumps(geometry) if geometry else "",
        area_m2=float(hectares) * HA if hectares is not None else None,
        **(place.as_fields() if place else _unplaced(zone)),
        is_artificialised=_artificialised(plot),
        facts={k: {"value": v, "source": source, "date": day} for k, v in _facts(zone, plot, place).items()},
    )


def _unplaced(zone: dict) -> dict:
    """A commune the edition does not know: the site is kept without a place, as Cartofriches' (its code is a
    fact)."""
    return {"commune_code": "", "epci_siren": "", "departement_code": "", "region_code": "", "territories": {}}


def _source(zone: dict, plot: dict | None) -> tuple[str, str]:
    producer = (zone.get("source_producteur") or "").strip()
    day = (plot or {}).get("terr_actu_date") or zone["site_actu_date"]
    return f"CNIG SITE-ECO / TERRAIN-ECO{' — ' + producer if producer else ''}", day.isoformat()


def _facts(zone: dict, plot: dict | None, place: Place | None) -> dict:
    """The facts the qualification method reads (same keys as Cartofriches'), and the plot's own words."""
    facts = {
        "networks": _networks(zone, plot),
        "motorway_distance_m": _metres(zone.get("autoroute_echang_dist")),
        "rail_distance_m": _metres(zone.get("gare_fret_dist")),
        "waterway_distance_m": _metres(zone.get("port_dist")),
        "rail_freight": _yes_no(zone.get("reseau_fret_ferroviaire")),
        "industrial_vocation": _yes_no(zone.get("site_voca_industrielle")),
        "brownfield": _artificialised(plot),
        "zone_kind": zone["site_type"],
    }
    if place is None:
        facts["commune_in_file"] = zone["site_comm_insee"]
    if plot:
        facts |= {
            "land_control": _land_control(plot["terr_maitrise_fonc"]),
            "land_owner": plot["terr_maitrise_fonc"],
            "development_state": plot["terr_stade_amngt"],
            "commercial_state": plot["terr_stade_comm"],
            "occupation": plot["terr_etat_occup"],
            "turnkey": _yes_no(plot.get("terr_cle_en_main")),
        }
    return facts


def _yes_no(value) -> bool | None:
    return {"oui": True, "non": False}.get(value)


def _metres(km) -> float | None:
    return None if km is None else float(km) * 1000


def _networks(zone: dict, plot: dict | None) -> bool | None:
    if plot and "viabilis" in (plot["terr_stade_amngt"] or "").lower():
        return True
    basics = [_yes_no(zone.get(k)) for k in ("reseau_electrique", "reseau_eau_potable", "reseau_assainissement")]
    if False in basics:
        return False
    return True if all(basics) else None


def _land_control(owner: str) -> str | None:
    owner = (owner or "").lower()
    if any(word in owner for word in CONTROLLED):
        return "controlled"
    return "none" if "priv" in owner else None


def _artificialised(plot: dict | None) -> bool | None:
    """A plot already serviced or built on is artificialised land; a plot « non aménagé » is a greenfield only when
    the file says so; otherwise unknown (the ZAN account then counts its area, prudently)."""
    stage = ((plot or {}).get("terr_stade_amngt") or "").lower()
    if any(w in stage for w in ("viabilis", "aménagé", "bâti")) and not stage.startswith("non"):
        return True
    return False if stage.startswith("non aménagé") else None


def _geometry(value, identifier: str) -> dict | None:
    if not value:
        return None
    try:
        geometry = shapely.from_geojson(json.dumps(_closed(value if isinstance(value, dict) else json.loads(value))))
    except (shapely.errors.GEOSException, ValueError, TypeError, KeyError):
        raise SiteEcoRefused([f"{identifier} : le contour n'est pas une géométrie GeoJSON lisible."]) from None
    x, y = shapely.get_coordinates(geometry)[0]
    if lambert93.looks_projected(x, y):
        geometry = shapely.transform(geometry, lambda xy: [lambert93.to_lonlat(*p) for p in xy])
    return json.loads(shapely.to_geojson(geometry))


def _closed(geojson: dict) -> dict:
    """Rings whose last point misses the first by a rounding (as in the CNIG example file) are closed."""
    if geojson.get("type") not in ("Polygon", "MultiPolygon"):
        return geojson
    polygons = [geojson["coordinates"]] if geojson["type"] == "Polygon" else geojson["coordinates"]
    for polygon in polygons:
        for ring in polygon:
            if ring and ring[0] != ring[-1]:
                ring.append(list(ring[0]))
    return geojson


def _point(zone: dict, geometry: dict | None) -> tuple[float, float]:
    point = zone.get("site_geompoint")
    if point is not None and geometry is None:
        return float(point[0]), float(point[1])
    centroid = shapely.from_geojson(json.dumps(geometry)).centroid
    return centroid.x, centroid.y


@transaction.atomic
def _write(candidates: list[Site], file_name: str, digest: str, user, report: SiteEcoReport) -> None:
    known = Site.objects.select_for_update().in_bulk([s.identifier for s in candidates], field_name="identifier")
    fields = ["name", "kind", "latitude", "longitude", "polygon", "area_m2", "commune_code", "epci_siren",
              "departement_code", "region_code", "territories", "is_artificialised", "facts"]  # fmt: skip
    for site in candidates:
        saved = known.get(site.identifier)
        if saved is None:
            site.save()
            report.created += 1
            continue
        changed = [f for f in fields if getattr(saved, f) != getattr(site, f)]
        if changed:
            for name in changed:
                setattr(saved, name, getattr(site, name))
            saved.revision = F("revision") + 1
            saved.save(update_fields=[*changed, "revision", "updated_at"])
        report.updated += bool(changed)
    SiteImport.objects.create(
        source=SOURCE, file_name=file_name, sha256=digest, imported_by=user,
        report={"created": report.created, "updated": report.updated, "left_out": report.left_out,
                "text": report.as_text()},
    )  # fmt: skip


# --- export of labelled sites --------------------------------------------------------------------------------------

EXPORT_PRODUCER = "Pilote Territoires d'industrie (ANCT, Banque des Territoires)"
# The columns of the two tables, in the order of the standard v1.0.1 (the version of the schemas in
# data/manifest.toml; tests/sites/test_site_eco_export.py keeps them equal): the export writes them without fetching
# the schemas, so that the public files are served even where the schemas are not at hand.
EXPORT_FIELDS = {
    "site-eco": (
        "site_id", "pole_id", "site_nom", "site_type", "site_vocadomi", "site_etat", "site_surf_brute",
        "site_surf_utile", "site_creation_date", "site_identif_date", "site_actu_date", "source_producteur",
        "site_description", "site_quali_territoire", "site_evol_urba", "site_url", "site_epci_nom", "site_epci_siren",
        "site_comm_nom", "site_comm_insee", "site_moa_type", "site_moa_nom", "site_moa_amngt", "site_moa_comm",
        "site_uf_nbre", "site_uf_vacant_nbre", "site_taux_vacance", "site_uf_bati_nbre", "site_nb_etab",
        "site_nb_emploi", "site_geomsurf", "site_geompoint", "site_media", "site_surf_comm_dispo", "site_surf_projet",
        "site_voca_industrielle", "site_voca_commerciale", "site_voca_tertiaire", "site_voca_artisanale",
        "site_voca_touristique", "site_voca_portuaire", "site_voca_aeroportuaire", "reseau_eau_pluviale",
        "reseau_eau_potable", "reseau_assainissement", "reseau_gaz", "reseau_electrique", "reseau_fibre_optique",
        "reseau_fret_ferroviaire", "reseau_fluvial", "desserte_tc", "desserte_route_nom", "autoroute_nom",
        "autoroute_echang_dist", "gare_nom", "gare_dist", "gare_fret_nom", "gare_fret_dist", "aeroport_nom",
        "aeroport_dist", "port_nom", "port_dist",
    ),
    "terrain-eco": (
        "terr_id", "site_id", "terr_refcad", "terr_surf_brute", "terr_utile", "terr_identif_date", "terr_actu_date",
        "terr_maitrise_fonc", "terr_stade_amngt", "terr_stade_comm", "terr_etat_occup", "terr_usage",
        "terr_url_cartofriches", "terr_geomsurf", "terr_cle_en_main", "terr_acquereur", "terr_cession_date",
        "terr_vente_montant", "terr_m2_prix",
    ),
}  # fmt: skip


def export_tables(sites: list[Site], *, today) -> dict[str, list[list]]:
    """The sites as the two CNIG tables (header first), every required field filled, in the schema's column order.

    A site is exported as one zone and one plot of its own. The standard requires a surface geometry: a site known
    only by its point gets a square of its area centred on it, and its description says the contour is approximate."""
    names = _names(sites)
    tables = {table: [_field_names(table)] for table in SCHEMAS}
    for number, site in enumerate(sites, start=1):
        zone, plot = _export_site(site, number, names, today)
        tables["site-eco"].append([zone.get(n, "") for n in tables["site-eco"][0]])
        tables["terrain-eco"].append([plot.get(n, "") for n in tables["terrain-eco"][0]])
    return tables


def _field_names(table: str) -> list[str]:
    return list(EXPORT_FIELDS[table])


def labelled_tables(*, today) -> dict[str, list[list]]:
    """The labelled sites as the two CNIG tables: what `export_site_eco` validates and writes, and what
    /sites/labellises-site-eco.csv and -terrain-eco.csv serve (the same bytes through `tables_csv`)."""
    sites = list(Site.objects.filter(label_state=LabelState.LABELLED).order_by("identifier"))
    return export_tables(sites, today=today)


def _names(sites: list[Site]) -> dict[str, str]:
    from django.conf import settings

    from pilote.geography.models import Epci

    communes = Commune.objects.filter(edition_id=settings.DEFAULT_EDITION, code__in={s.commune_code for s in sites})
    epcis = Epci.objects.filter(edition_id=settings.DEFAULT_EDITION, siren__in={s.epci_siren for s in sites})
    return {**dict(communes.values_list("code", "name")), **dict(epcis.values_list("siren", "name"))}


def _export_site(site: Site, number: int, names: dict, today) -> tuple[dict, dict]:
    facts = {k: (v or {}).get("value") for k, v in site.effective_facts().items()}
    hectares = round((site.area_m2 or 0) / HA, 4)
    geometry, approximate = _export_geometry(site)
    zone_id, commune = f"{site.commune_code}_SITE-ECO_{number:05}", site.commune_code
    yes_no = {True: "oui", False: "non"}
    zone = {
        "site_id": zone_id, "pole_id": f"{commune}_POLE-ECO_{number:05}", "site_nom": site.name,
        "site_type": "site industriel labellisé", "site_vocadomi": "industrie", "site_etat": "labellisé",
        "site_surf_brute": hectares, "site_surf_utile": hectares, "site_identif_date": site.created_at.date(),
        "site_actu_date": today, "source_producteur": EXPORT_PRODUCER,
        "site_description": "Contour approché (carré de la surface du site)." if approximate else "",
        "site_quali_territoire": "Site clé en main Territoires d'industrie",
        "site_epci_nom": names.get(site.epci_siren, "non renseigné"), "site_epci_siren": site.epci_siren,
        "site_comm_nom": names.get(commune, "non renseigné"), "site_comm_insee": commune,
        "site_moa_type": "non renseigné", "site_geomsurf": geometry,
        "site_geompoint": f"{site.longitude}, {site.latitude}", "site_surf_comm_dispo": hectares,
        "site_voca_industrielle": "oui", "reseau_fret_ferroviaire": yes_no.get(facts.get("rail_freight"), ""),
        "autoroute_echang_dist": _km(facts.get("motorway_distance_m")),
        "gare_fret_dist": _km(facts.get("rail_distance_m")),
        "port_dist": _km(facts.get("waterway_distance_m")),
    }  # fmt: skip
    plot = {
        "terr_id": f"{commune}_TERRAIN-ECO_{number:05}", "site_id": zone_id, "terr_surf_brute": hectares,
        "terr_utile": "oui", "terr_identif_date": site.created_at.date(), "terr_actu_date": today,
        "terr_maitrise_fonc": facts.get("land_owner") or "non renseigné",
        "terr_stade_amngt": facts.get("development_state") or "non renseigné",
        "terr_stade_comm": "disponible", "terr_etat_occup": "libre", "terr_usage": "industriel",
        "terr_geomsurf": geometry, "terr_cle_en_main": "oui",
    }  # fmt: skip
    return zone, plot


def _km(metres) -> str:
    return "" if metres is None else round(float(metres) / 1000, 3)


def _export_geometry(site: Site) -> tuple[str, bool]:
    if site.polygon:
        return site.polygon, False
    side_m = max(site.area_m2 or 0, 1) ** 0.5
    half_lat = side_m / 2 / 111_320
    half_lon = half_lat / max(0.1, abs(math.cos(math.radians(site.latitude))))
    x, y = site.longitude, site.latitude
    square = shapely.box(x - half_lon, y - half_lat, x + half_lon, y + half_lat)
    return shapely.to_geojson(square), True


def export_csv(sites: list[Site], *, today) -> dict[str, str]:
    """The two tables as CSV texts (`;`, as the CNIG example files), file name → text."""
    return tables_csv(export_tables(sites, today=today))


def tables_csv(tables: dict[str, list[list]]) -> dict[str, str]:
    files = {}
    for table, rows in tables.items():
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
        files[f"{table}.csv"] = out.getvalue()
    return files
