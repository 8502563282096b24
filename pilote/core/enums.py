from django.db import models


class OrganisationKind(models.TextChoices):
    ANCT = "anct", "ANCT – délégation Territoires d'industrie"
    PREFECTURE_REGION = "prefecture_region", "Préfecture de région / SGAR"
    PREFECTURE_DEPARTEMENT = "prefecture_departement", "Préfecture de département"
    DREETS = "dreets", "DREETS"
    CONSEIL_REGIONAL = "conseil_regional", "Conseil régional"
    EPCI = "epci", "Intercommunalité"
    OPERATOR = "operator", "Opérateur"


# Services known by the place they serve: one organisation of each such kind per département or per région (the
# database holds it), so that an opinion asked of « the préfecture of the Ain » always reaches the same people.
DEPARTEMENTAL_KINDS = (OrganisationKind.PREFECTURE_DEPARTEMENT,)
REGIONAL_KINDS = (OrganisationKind.PREFECTURE_REGION, OrganisationKind.DREETS, OrganisationKind.CONSEIL_REGIONAL)


class Operator(models.TextChoices):
    BANQUE_DES_TERRITOIRES = "bdt", "Banque des Territoires"
    BPIFRANCE = "bpifrance", "Bpifrance"
    BUSINESS_FRANCE = "business_france", "Business France"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    ADEME = "ademe", "ADEME"
    CCI = "cci", "CCI"


class Role(models.TextChoices):
    """What a person does on the platform. The scope of the assignment says where."""

    NATIONAL = "national", "Délégation nationale (ANCT)"
    REGION_REVIEWER = "region_reviewer", "Instructeur régional"
    DEPARTEMENT_REVIEWER = "departement_reviewer", "Instructeur départemental"
    TERRITORY_TEAM = "territory_team", "Équipe du territoire"
    OPERATOR = "operator", "Opérateur"


class AttachmentKind(models.TextChoices):
    """What a document attached to a file or a fiche action is."""

    DELIBERATION = "deliberation", "Délibération"
    STEERING_MINUTES = "steering_minutes", "Compte rendu de comité de pilotage"
    AGREEMENT = "agreement", "Convention"
    OTHER = "other", "Autre"
