from django.apps import AppConfig

from pilote.core.registry import MenuItem


class TargetingConfig(AppConfig):
    name = "pilote.targeting"
    label = "targeting"
    verbose_name = "Ciblage des territoires"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    page_sections = ("pilote.targeting.diagnosis.diagnosis_section",)
    bench_sections = {"l": "pilote.targeting.bench.PagesBench"}
    menu_items = (MenuItem("Ciblage", "targeting:ranking", visible_to="pilote.targeting.perms.can_view_ranking"),)
