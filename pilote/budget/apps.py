from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "pilote.budget"
    label = "budget"
    verbose_name = "Budget du programme"
