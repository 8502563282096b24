from django.db import models


class Level(models.TextChoices):
    """The geography a value is published or computed on."""

    COMMUNE = "commune", "commune"
    ZONE_EMPLOI = "zone_emploi", "zone d'emploi"
    EPCI = "epci", "intercommunalité (EPCI)"
    TERRITORY = "territory", "Territoire d'industrie"
    DEPARTEMENT = "departement", "département"
    REGION = "region", "région"
    FRANCE = "france", "France"


class Direction(models.TextChoices):
    """Which way an indicator says "in trouble"."""

    HIGHER_IS_WORSE = "higher_is_worse", "plus c'est élevé, plus c'est défavorable"
    HIGHER_IS_BETTER = "higher_is_better", "plus c'est élevé, plus c'est favorable"
    NEUTRAL = "neutral", "descriptif (sans sens)"


class Aggregation(models.TextChoices):
    """How the value of a territory or an EPCI is made from the values of its communes (or zones)."""

    SUM = "sum", "somme"
    WEIGHTED_MEAN = "weighted_mean", "moyenne pondérée par la population"
    RATIO = "ratio", "part recalculée (numérateur / dénominateur)"
    NONE = "none", "non agrégeable (calculé à partir d'autres indicateurs)"


class Transformation(models.TextChoices):
    RANK = "rank", "rangs (percentiles)"
    ZSCORE = "zscore", "scores centrés réduits"


class MissingValues(models.TextChoices):
    RENORMALISE = "renormalise", "poids répartis sur les indicateurs connus"
    MEDIAN = "median", "valeur médiane attribuée"
    EXCLUDE = "exclude", "unité écartée du classement"


class MethodStatus(models.TextChoices):
    DRAFT = "draft", "brouillon"
    PUBLISHED = "published", "publiée"


class AlertKind(models.TextChoices):
    UNEMPLOYMENT_RISE = "unemployment_rise", "hausse du chômage plus rapide qu'en France"
    INDUSTRIAL_EMPLOYMENT_FALL = "industrial_employment_fall", "baisse de l'emploi industriel"
    SALARIED_EMPLOYMENT_FALL = "salaried_employment_fall", "baisse de l'emploi salarié"


class AlertStatus(models.TextChoices):
    OPEN = "open", "à examiner"
    DESIGNATED = "designated", "désigné Rebond industriel"
    DISMISSED = "dismissed", "écartée"


class EventKind(models.TextChoices):
    CLOSURE = "closure", "fermeture de site"
    PSE = "pse", "plan de sauvegarde de l'emploi (PSE)"
    RELOCATION = "relocation", "délocalisation"
    DISASTER = "disaster", "sinistre, catastrophe"
    OTHER = "other", "autre"
