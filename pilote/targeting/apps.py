from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "pilote.targeting"
    label = "targeting"
    verbose_name = "Ciblage des territoires"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    history_vocabularies = ("pilote.targeting.history.VOCABULARY",)
