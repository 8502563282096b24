from django.apps import AppConfig

from pilote.core.registry import MenuItem


class TargetingConfig(AppConfig):
    name = "pilote.targeting"
    label = "targeting"
    verbose_name = "Ciblage des territoires"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    page_sections = ("pilote.targeting.diagnosis.diagnosis_section",)
    bench_sections = {
        "k": "pilote.targeting.bench.ImportBench",
        "l": "pilote.targeting.bench.TargetingBench",
        "m": "pilote.targeting.bench_pages.PagesBench",
    }
    history_vocabularies = ("pilote.targeting.history.VOCABULARY",)
    demo_seeds = ("pilote.targeting.demo.seed",)
    menu_items = (
        MenuItem("Ciblage", "targeting:ranking", visible_to="pilote.targeting.perms.can_view_ranking"),
        MenuItem("Événements industriels", "targeting:events", visible_to="pilote.targeting.perms.can_declare_events"),
    )
