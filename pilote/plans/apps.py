from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pilote.plans"
    label = "plans"
    verbose_name = "Plans d'actions"
