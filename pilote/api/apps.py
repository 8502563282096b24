from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pilote.api"
    label = "api"
    verbose_name = "API"
