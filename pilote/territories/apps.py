from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "pilote.territories"
    label = "territories"
    verbose_name = "Territoires d'industrie"

    def ready(self):
        from . import receivers  # noqa: F401
