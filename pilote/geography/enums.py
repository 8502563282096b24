from django.db import models


class EpciKind(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d'agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"
    MET69 = "MET69", "Métropole de Lyon"
    EPT = "EPT", "Établissement public territorial"


class CommuneKind(models.TextChoices):
    CURRENT = "COM", "Commune"
    DELEGATED = "COMD", "Commune déléguée"
    ASSOCIATED = "COMA", "Commune associée"
    MUNICIPAL_DISTRICT = "ARM", "Arrondissement municipal"


# decoupage-administratif's `type` values → our kinds
COMMUNE_KIND_BY_SOURCE_TYPE = {
    "commune-actuelle": CommuneKind.CURRENT,
    "commune-deleguee": CommuneKind.DELEGATED,
    "commune-associee": CommuneKind.ASSOCIATED,
    "arrondissement-municipal": CommuneKind.MUNICIPAL_DISTRICT,
}
