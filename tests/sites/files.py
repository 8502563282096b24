"""Small files in the official formats of the pool's sources, written by the tests: Cartofriches (CNIG Friches
schema plus Cerema's columns, as the national CSV publishes them) and the Fonds friches light view."""

import csv
from pathlib import Path

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
