from django.db import models


class SiteKind(models.TextChoices):
    BROWNFIELD = "brownfield", "friche"
    ZONE_PLOT = "zone_plot", "terrain de zone d'activités"
    OTHER = "other", "autre terrain"


class SiteOrigin(models.TextChoices):
    CARTOFRICHES = "cartofriches", "Cartofriches (Cerema)"
    SITE_ECO = "site_eco", "fichier SITE-ECO / TERRAIN-ECO (CNIG)"
    PROPOSAL = "proposal", "proposé sur la plateforme"


class LabelState(models.TextChoices):
    """The labelling workflow of a site with Banque des Territoires."""

    POOL = "pool", "dans le vivier"
    PROPOSED = "propose", "proposé"
    SHORTLISTED = "preselectionne", "présélectionné"
    IN_REVIEW = "en_instruction", "en instruction"
    LABELLED = "labellise", "labellisé"
    POSTPONED = "ajourne", "ajourné"
    REFUSED = "refuse", "refusé"


class MethodStatus(models.TextChoices):
    DRAFT = "draft", "brouillon"
    PUBLISHED = "published", "publiée"


class Objective(models.TextChoices):
    SCORE = "score", "maximiser le score total"
    SCORE_RELIABLE = "score_reliable", "maximiser le score pondéré par la fiabilité"
    AREA = "area", "maximiser la surface totale"


class MilestoneKind(models.TextChoices):
    LAND_CONTROL = "land_control", "maîtrise foncière"
    DEPOLLUTION = "depollution", "dépollution"
    SERVICING = "servicing", "viabilisation"
    PERMITS = "permits", "autorisations d'urbanisme"
    ENVIRONMENT = "environment", "autorisations environnementales"
    AVAILABILITY = "availability", "disponibilité du site"
    BDT_ENGINEERING = "bdt_engineering", "financement Banque des Territoires : ingénierie"
    BDT_INVESTMENT = "bdt_investment", "financement Banque des Territoires : investissement"


# --- slabel ---
class LabelOpinionKind(models.TextChoices):
    FAVORABLE = "favorable", "favorable"
    RESERVED = "reserve", "favorable avec réserves"
    UNFAVORABLE = "defavorable", "défavorable"
