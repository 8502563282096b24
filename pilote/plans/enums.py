from django.db import models


class Priority(models.TextChoices):
    """The four priorities of the Territoires d'industrie programme (phase 2023-2027)."""

    SKILLS = "competences", "Compétences et recrutement"
    TRANSITION = "transition", "Transition écologique et énergétique"
    INNOVATION = "innovation", "Innovation"
    LAND = "foncier", "Foncier industriel"


class FicheStatus(models.TextChoices):
    PLANNED = "a_venir", "À venir"
    ONGOING = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    PAUSED = "en_pause", "En pause"
    ABANDONED = "abandonnee", "Abandonnée"
