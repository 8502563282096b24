from django.db import models


class FileState(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "depose", "Déposé"
    IN_REVIEW = "en_instruction", "En instruction"
    TO_COMPLETE = "a_completer", "À compléter"
    VALIDATED = "valide", "Validé"


class OpinionKind(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVED = "reserve", "Réservé"
    UNFAVORABLE = "defavorable", "Défavorable"
