"""The facts of a site as people read them: the French name of every fact a source writes (Cartofriches, CNIG
SITE-ECO / TERRAIN-ECO, the proposal form, the facts the import derives), in the order a site page lists them, and the
French words of the coded values. One catalogue for the site page, the API, the exports and the proposal form; a test
(tests/sites/test_fact_keys.py) checks that every key a source writes is named here."""

# key → French name, in the order of the site page: what the site is, its land, its pollution, its access, the rest.
LABELS = {
    "is_brownfield": "friche",
    "is_verified_brownfield": "friche vérifiée (et non « potentielle »)",
    "brownfield": "terrain déjà artificialisé",
    "brownfield_status": "statut de la friche",
    "brownfield_type": "type de friche",
    "zone_kind": "type de zone d'activité",
    "industrial_vocation": "vocation industrielle",
    "former_activity": "activité passée",
    "former_activity_code": "code de l'activité passée",
    "activity_end_year": "année de fin d'activité",
    "occupation": "occupation",
    "conversion_kind": "type de reconversion",
    "owner_type": "type de propriétaire",
    "owner_category": "catégorie de propriétaire",
    "land_control": "maîtrise foncière",
    "land_owner": "maîtrise foncière (selon la zone)",
    "development_state": "état d'aménagement",
    "commercial_state": "état de commercialisation",
    "turnkey": "clé en main",
    "zoning": "zonage d'urbanisme",
    "zoning_label": "libellé du zonage",
    "planning_document": "document d'urbanisme",
    "land_unit_area_m2": "surface de l'unité foncière (m²)",
    "built_area_m2": "surface bâtie (m²)",
    "buildings_count": "nombre de bâtiments",
    "building_condition": "état du bâti",
    "pollution": "pollution des sols",
    "pollution_known": "pollution connue",
    "building_pollution": "pollution du bâti",
    "basias_number": "numéro BASIAS",
    "basol_number": "numéro BASOL",
    "flood_risk": "en zone inondable",
    "protected_area": "au contact d'un espace protégé (Natura 2000, ZNIEFF, zone humide)",
    "networks": "réseaux (site viabilisé)",
    "motorway_distance_m": "distance à un échangeur autoroutier (m)",
    "distance_road_m": "distance à la route (m)",
    "rail_freight": "desserte ferroviaire fret",
    "rail_distance_m": "distance au réseau ferré (m)",
    "waterway_distance_m": "distance à une voie d'eau (m)",
    "distance_sea_m": "distance à la mer (m)",
    "commune_in_file": "code commune du fichier (absent du COG)",
}

# The coded values, in French; the other values are shown as the source wrote them.
VALUES = {
    "land_control": {
        "controlled": "maîtrisé par la collectivité ou l'aménageur",
        "in_progress": "acquisition en cours",
        "none": "non maîtrisé",
    },
}


def is_measure(key: str) -> bool:
    """A distance, an area or a count, written grouped by thousands (« 6 286 741,21 »); a year is not (« 2008 »)."""
    return key.endswith(("_m", "_m2", "_count"))


def label(key: str) -> str:
    """The French name of a fact; a key no source writes yet is still readable (« some new key »)."""
    return LABELS.get(key) or key.replace("_", " ")


def reading(key: str, value) -> str | None:
    """The French words of a coded value, None when the value is not coded (read it as written)."""
    return VALUES.get(key, {}).get(value) if isinstance(value, str) else None
