from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "pilote.geography"
    label = "geography"
    verbose_name = "Géographie officielle"
