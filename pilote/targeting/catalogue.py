"""The indicator catalogue: every raw figure the importers store, with its meaning, source, unit, direction, the
geography it is published on and the rule that aggregates it from communes (or zones) to any unit.

`ensure_catalogue()` writes the rows (idempotent: a second call changes nothing); importers call it before writing
values. Derived indicators (changes, gaps against France, densities) are computed from these by `compute.py` and
listed in DERIVED.
"""

from dataclasses import asdict, dataclass

from django.db import transaction

from .enums import Aggregation, Direction, Level
from .models import Indicator

# Raw indicators (written by the importers)
POPULATION = "population"
UNEMPLOYMENT = "chomage"
POVERTY = "pauvrete"
BROWNFIELDS = "friches_sites"
BROWNFIELD_HA = "friches_ha"
SALARIED_JOBS = "emploi_salarie"
INDUSTRIAL_JOBS = "emploi_industriel"
ESTABLISHMENTS = "etablissements"
INDUSTRIAL_ESTABLISHMENTS_URSSAF = "etablissements_industriels_urssaf"
INDUSTRIAL_SHARE = "part_emploi_industriel"
JOBS_AT_WORKPLACE = "emploi_lieu_travail"
INDUSTRIAL_ESTABLISHMENTS = "etablissements_industriels"
MEDIAN_INCOME = "revenu_median"

# Derived indicators (computed by compute.py; their rows are added to DERIVED by its author)
POPULATION_CHANGE_5Y = "population_evol_5a"
UNEMPLOYMENT_MEAN = "chomage_moyen_4t"
UNEMPLOYMENT_GAP_1Y = "chomage_ecart_france_1a"
UNEMPLOYMENT_GAP_5Y = "chomage_ecart_france_5a"
BROWNFIELD_DENSITY = "friches_densite"
BROWNFIELD_HA_DENSITY = "friches_ha_densite"
SALARIED_JOBS_CHANGE = "emploi_salarie_evol"
INDUSTRIAL_JOBS_CHANGE = "emploi_industriel_evol"

INSEE_POPULATION = "Insee, populations légales (via @etalab/decoupage-administratif)"
INSEE_UNEMPLOYMENT = "Insee, estimations de taux de chômage localisés (zones d'emploi 2020)"
INSEE_FILOSOFI = "Insee-DGFIP-Cnaf-Cnav-CCMSA, Fichier localisé social et fiscal (Filosofi 2019)"
CEREMA = "Cerema, Cartofriches (inventaire national des friches)"
URSSAF = "Urssaf, établissements employeurs et effectifs salariés du secteur privé (régime général)"
INSEE_DOSSIER = "Insee, dossier complet (recensement, Flores, Filosofi)"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    label: str
    unit: str
    source: str
    direction: str
    published_on: str
    aggregation: str
    description: str = ""
    decimals: int = 1
    numerator: str = ""
    denominator: str = ""
    scale: float = 1.0
    is_derived: bool = False


def _raw(code, label, unit, source, direction, published_on, aggregation, description, decimals=1, **extra):
    return IndicatorSpec(
        code, label, unit, source, direction, published_on, aggregation, description, decimals, **extra
    )


WORSE, BETTER, NEUTRAL = Direction.HIGHER_IS_WORSE, Direction.HIGHER_IS_BETTER, Direction.NEUTRAL
COMMUNE, ZONE = Level.COMMUNE, Level.ZONE_EMPLOI
SUM, MEAN, RATIO = Aggregation.SUM, Aggregation.WEIGHTED_MEAN, Aggregation.RATIO

RAW = [
    _raw(
        POPULATION,
        "Population municipale",
        "habitants",
        INSEE_POPULATION,
        NEUTRAL,
        COMMUNE,
        SUM,
        "Population légale municipale de l'année indiquée (millésime du recensement), additionnée sur les communes.",
        0,
    ),
    _raw(
        UNEMPLOYMENT,
        "Taux de chômage localisé",
        "%",
        INSEE_UNEMPLOYMENT,
        WORSE,
        ZONE,
        MEAN,
        "Taux de chômage trimestriel (CVS) de la zone d'emploi où vit la population ; pour un territoire, moyenne "
        "des zones de ses communes pondérée par leur population.",
    ),
    _raw(
        POVERTY,
        "Taux de pauvreté (seuil de 60 %)",
        "%",
        INSEE_FILOSOFI,
        WORSE,
        COMMUNE,
        MEAN,
        "Part des personnes vivant sous le seuil de pauvreté (TP6019) ; publiée pour les seules communes hors "
        "secret statistique : moyenne pondérée par la population des communes connues, avec sa couverture.",
        0,
    ),
    _raw(
        BROWNFIELDS,
        "Friches recensées",
        "sites",
        CEREMA,
        WORSE,
        COMMUNE,
        SUM,
        "Sites en friche vérifiés (avec ou sans projet) ; les « friches potentielles » (sites BASIAS/BASOL non "
        "vérifiés) et les friches reconverties ne sont pas comptées.",
        0,
    ),
    _raw(
        BROWNFIELD_HA,
        "Surface des friches recensées",
        "ha",
        CEREMA,
        WORSE,
        COMMUNE,
        SUM,
        "Surface des mêmes sites, en hectares (surface du site, à défaut celle de l'unité foncière).",
    ),
    _raw(
        SALARIED_JOBS,
        "Effectifs salariés du secteur privé",
        "salariés",
        URSSAF,
        NEUTRAL,
        COMMUNE,
        SUM,
        "Effectifs salariés en fin d'année des établissements employeurs du secteur privé (régime général).",
        0,
    ),
    _raw(
        INDUSTRIAL_JOBS,
        "Effectifs salariés de l'industrie",
        "salariés",
        URSSAF,
        NEUTRAL,
        COMMUNE,
        SUM,
        "Effectifs salariés des établissements dont l'activité principale (APE) relève des sections B à E de la "
        "NAF : industries extractives, manufacturières, énergie, eau et déchets (divisions 05 à 39).",
        0,
    ),
    _raw(
        ESTABLISHMENTS,
        "Établissements employeurs du secteur privé",
        "établissements",
        URSSAF,
        NEUTRAL,
        COMMUNE,
        SUM,
        "Établissements employeurs en fin d'année (comptes cotisants, régime général).",
        0,
    ),
    _raw(
        INDUSTRIAL_ESTABLISHMENTS_URSSAF,
        "Établissements employeurs de l'industrie",
        "établissements",
        URSSAF,
        NEUTRAL,
        COMMUNE,
        SUM,
        "Établissements employeurs des sections B à E de la NAF (divisions 05 à 39).",
        0,
    ),
    _raw(
        INDUSTRIAL_SHARE,
        "Part de l'industrie dans l'emploi salarié privé",
        "%",
        URSSAF,
        NEUTRAL,
        COMMUNE,
        RATIO,
        "Effectifs salariés de l'industrie rapportés aux effectifs salariés du secteur privé, recalculés sur "
        "chaque unité à partir des deux sommes.",
        numerator=INDUSTRIAL_JOBS,
        denominator=SALARIED_JOBS,
        scale=100.0,
        is_derived=True,
    ),
    _raw(
        JOBS_AT_WORKPLACE,
        "Emplois au lieu de travail",
        "emplois",
        INSEE_DOSSIER,
        NEUTRAL,
        COMMUNE,
        SUM,
        "Emplois situés dans la commune (recensement, variable P..._EMPLT du dossier complet).",
        0,
    ),
    _raw(
        INDUSTRIAL_ESTABLISHMENTS,
        "Établissements de l'industrie",
        "établissements",
        INSEE_DOSSIER,
        NEUTRAL,
        COMMUNE,
        SUM,
        "Établissements actifs de l'industrie (Flores, variable ETBE.. du dossier complet).",
        0,
    ),
    _raw(
        MEDIAN_INCOME,
        "Médiane du niveau de vie",
        "€",
        INSEE_DOSSIER,
        BETTER,
        COMMUNE,
        MEAN,
        "Médiane du revenu disponible par unité de consommation (Filosofi, variable MED.. du dossier complet) ; "
        "une médiane ne s'additionne pas : pour un territoire, moyenne des médianes pondérée par la population "
        "(approximation), avec sa couverture.",
        0,
    ),
]

COMPUTED = "Calcul Pilote TI à partir des indicateurs publiés"


def _derived(code, label, unit, direction, description) -> IndicatorSpec:
    return IndicatorSpec(
        code, label, unit, COMPUTED, direction, COMMUNE, Aggregation.NONE, description, 1, is_derived=True
    )


# Computed by compute.py on each unit from the aggregated raw values (a ratio of sums, never a mean of ratios).
DERIVED: list[IndicatorSpec] = [
    _derived(
        POPULATION_CHANGE_5Y,
        "Évolution de la population sur 5 ans",
        "%",
        BETTER,
        "Population municipale de la dernière année connue rapportée à celle de cinq ans plus tôt.",
    ),
    _derived(
        UNEMPLOYMENT_MEAN,
        "Taux de chômage (moyenne des 4 derniers trimestres)",
        "%",
        WORSE,
        "Taux de chômage localisé de la zone d'emploi de chaque commune, moyenne pondérée par la population, "
        "lissé sur les quatre derniers trimestres.",
    ),
    _derived(
        UNEMPLOYMENT_GAP_1Y,
        "Évolution du chômage sur 1 an, écart à la France",
        "points",
        WORSE,
        "Variation sur un an du taux moyen des 4 derniers trimestres, moins la même variation pour la France.",
    ),
    _derived(
        UNEMPLOYMENT_GAP_5Y,
        "Évolution du chômage sur 5 ans, écart à la France",
        "points",
        WORSE,
        "Variation sur cinq ans du taux moyen des 4 derniers trimestres, moins la même variation pour la France.",
    ),
    _derived(
        BROWNFIELD_DENSITY,
        "Friches pour 10 000 habitants",
        "sites",
        WORSE,
        "Sites de Cartofriches rapportés à la population.",
    ),
    _derived(
        BROWNFIELD_HA_DENSITY,
        "Surface de friches pour 10 000 habitants",
        "ha",
        WORSE,
        "Hectares de friches de Cartofriches rapportés à la population.",
    ),
    _derived(
        SALARIED_JOBS_CHANGE,
        "Évolution de l'emploi salarié privé",
        "%",
        BETTER,
        "Effectifs salariés (URSSAF) de la dernière année rapportés à ceux de cinq ans plus tôt (ou de la "
        "première année disponible).",
    ),
    _derived(
        INDUSTRIAL_JOBS_CHANGE,
        "Évolution de l'emploi industriel",
        "%",
        BETTER,
        "Effectifs salariés de l'industrie (URSSAF) de la dernière année rapportés à ceux de cinq ans plus tôt (ou "
        "de la première année disponible).",
    ),
]


def specs() -> list[IndicatorSpec]:
    return [*RAW, *DERIVED]


@transaction.atomic
def ensure_catalogue() -> None:
    """Create or update every indicator of the catalogue; a second call writes nothing."""
    existing = {i.code: i for i in Indicator.objects.select_related("numerator", "denominator")}
    ordered = sorted(specs(), key=lambda s: bool(s.numerator))  # the parts of a ratio exist before it
    for order, spec in enumerate(ordered, start=1):
        _ensure(spec, order * 10, existing)


def _ensure(spec: IndicatorSpec, order: int, existing: dict[str, Indicator]) -> None:
    fields = {k: v for k, v in asdict(spec).items() if k not in ("code", "numerator", "denominator")}
    fields["order"] = order
    fields["numerator"] = existing[spec.numerator] if spec.numerator else None
    fields["denominator"] = existing[spec.denominator] if spec.denominator else None
    indicator = existing.get(spec.code)
    if indicator is None:
        existing[spec.code] = Indicator.objects.create(code=spec.code, **fields)
        return
    changed = {k: v for k, v in fields.items() if getattr(indicator, k) != v}
    if changed:
        Indicator.objects.filter(pk=indicator.pk).update(**changed)
        for k, v in changed.items():
            setattr(indicator, k, v)
