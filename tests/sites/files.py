"""Small files in the official formats of the pool's sources, written by the tests: Cartofriches (CNIG Friches
schema plus Cerema's columns, as the national CSV publishes them), the Fonds friches light view and the CNIG SITE-ECO /
TERRAIN-ECO tables."""

import csv
import io
from pathlib import Path

from django.conf import settings

CARTOFRICHES_HEADER = [
    "site_id", "site_nom", "site_type", "site_actu_date", "site_occupation", "site_statut", "site_surface",
    "site_reconv_type", "site_numero_basias", "site_numero_basol", "activite_libelle", "activite_code",
    "activite_fin_annee", "comm_nom", "comm_insee", "dep", "bati_nombre", "bati_surface", "bati_pollution", "bati_etat",
    "proprio_personne", "sol_pollution_existe", "unite_fonciere_surface", "l_catpro3txt", "urba_zone_type",
    "urba_zone_lib", "urba_doc_type", "desserte_distance_route", "desserte_distance_ferroviaire",
    "desserte_distance_fluvial", "desserte_distance_maritime", "nature", "longitude", "latitude",
]  # fmt: skip


def brownfield(site_id: str, commune: str, **values) -> dict:
    row = dict.fromkeys(CARTOFRICHES_HEADER, "")
    row |= {
        "site_id": site_id,
        "site_nom": f"Friche {site_id}",
        "site_type": "friche industrielle",
        "site_actu_date": "2023-05-04",
        "site_statut": "friche sans projet",
        "site_surface": "12000.5",
        "comm_insee": commune,
        "sol_pollution_existe": "pollution avérée",
        "proprio_personne": "personne morale",
        "l_catpro3txt": '{COMMUNE,"SCI - SOCIETE CIVILE IMMOBILIERE"}',
        "urba_zone_type": "U",
        "desserte_distance_ferroviaire": "850",
        "nature": "observatoire local",
        "longitude": "5.2",
        "latitude": "46.1",
    }
    return row | values


def write_cartofriches(path: Path, rows: list[dict], header: list[str] = CARTOFRICHES_HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


FONDS_HEADER = [
    "num_dossier", "libreg", "num_demarche", "laureat_fv", "loc_abc", "logique_intervention", "intervention",
    "mo_requal", "bilan", "deficit", "nat_friche", "site_area", "friche_area", "daa_ht", "dab_ht",
]  # fmt: skip


def funding(reference: str, **values) -> dict:
    row = dict.fromkeys(FONDS_HEADER, "")
    row |= {
        "num_dossier": reference,
        "libreg": "Auvergne-Rhône-Alpes",
        "num_demarche": "54008",
        "laureat_fv": "Oui",
        "nat_friche": "Friche industrielle",
        "deficit": "630839",
        "site_area": "4.5",
        "friche_area": "3.2",
        "daa_ht": "100000",
        "dab_ht": "2e+05",
    }
    return row | values


def write_fonds(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FONDS_HEADER, quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        writer.writerows(rows)
    return path


# CNIG SITE-ECO / TERRAIN-ECO: the official valid example rows, changed column by column. The shared data folder
# holds the CNIG schemas and their valid example files (data/manifest.toml).
SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


def site_eco_example(table: str) -> tuple[list[str], list[str]]:
    text = (SHARED_DATA / "cnig-schemas" / "sites-economiques" / table / "exemple-valide.csv").read_text("utf-8")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))[:2]
    return header, row


def table(name: str, *changes: dict) -> bytes:
    """The official valid example row, once per `changes` dict with those columns changed."""
    header, example = site_eco_example(name)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for change in changes or ({},):
        writer.writerow([change.get(h, v) for h, v in zip(header, example, strict=True)])
    return out.getvalue().encode()


ZONE = {"site_comm_insee": "01001", "site_epci_siren": "200000001"}
FREE = {"terr_id": "01001_TERRAIN-ECO_00001", "terr_etat_occup": "libre", "terr_stade_comm": "disponible",
        "terr_stade_amngt": "non aménagé", "terr_maitrise_fonc": "commune", "terr_surf_brute": "4.5"}  # fmt: skip
BUILT = {"terr_id": "01001_TERRAIN-ECO_00002", "terr_stade_amngt": "viabilisé et aménagé",
         "terr_etat_occup": "libre", "terr_stade_comm": "disponible"}  # fmt: skip
SOLD = {"terr_id": "01001_TERRAIN-ECO_00003"}  # the example plot: sold and occupied
