from django.db import models


class ActionType(models.TextChoices):
    """The four action types of the 100 M€ a year (relaunch of 2023)."""

    PROJECT_LEADS = "chefs_de_projet", "Chefs de projet"
    INVESTMENTS = "investissements", "Investissements productifs"
    REBOND = "rebond", "Rebond industriel"
    SKILLS = "competences", "Compétences"


class EnvelopeLevel(models.TextChoices):
    PROGRAMME = "programme", "Programme (total de l'année)"
    NATIONAL = "national", "National"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"


# The level an envelope delegates to (programme → national per action type → région → département).
CHILD_LEVEL = {
    EnvelopeLevel.PROGRAMME: EnvelopeLevel.NATIONAL,
    EnvelopeLevel.NATIONAL: EnvelopeLevel.REGION,
    EnvelopeLevel.REGION: EnvelopeLevel.DEPARTEMENT,
}


class CommitmentStatus(models.TextChoices):
    PROPOSED = "propose", "Proposé"
    COMMITTED = "engage", "Engagé"
    CANCELLED = "annule", "Annulé"


class CofinancerKind(models.TextChoices):
    STATE = "etat", "État (autres crédits)"
    EPCI = "epci", "Intercommunalité"
    REGION = "region", "Région"
    OTHER = "autre", "Autre"


class Sector(models.TextChoices):
    """Sectors of productive investments (the relaunch names bike, textile and watchmaking)."""

    BIKE = "velo", "Vélo"
    TEXTILE = "textile", "Textile"
    WATCHMAKING = "horlogerie", "Horlogerie"
    AGRIFOOD = "agroalimentaire", "Agroalimentaire"
    AERONAUTICS = "aeronautique", "Aéronautique"
    AUTOMOTIVE = "automobile", "Automobile"
    WOOD = "bois", "Bois"
    CHEMISTRY = "chimie", "Chimie"
    METALWORK = "metallurgie", "Métallurgie"
    PLASTICS = "plasturgie", "Plasturgie"
    HEALTH = "sante", "Santé"
    OTHER = "autre", "Autre"


class SkillsKind(models.TextChoices):
    PRODUCTION_SCHOOL = "ecole_production", "École de production"
    TECHNICAL_PLATFORM = "plateau_technique", "Plateau technique"
    OTHER = "autre", "Autre"


class ScenarioRule(models.TextChoices):
    """How an action type's money is split between régions (computed in `pilote.budget.scenarios`)."""

    PER_TERRITORY = "territoire", "Part égale par territoire"
    PER_POPULATION = "population", "Selon la population des territoires"
    PER_FRAGILITY = "fragilite", "Territoires désignés pour un choc industriel dans l'année"
    PER_FRAGILITY_INDEX = "indice", "Selon l'indice de fragilité (version de méthode choisie)"
    FIXED = "fixe", "Montants fixés par région"
