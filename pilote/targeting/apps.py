from django.apps import AppConfig

from pilote.core.registry import MenuItem


class TargetingConfig(AppConfig):
    name = "pilote.targeting"
    label = "targeting"
    verbose_name = "Ciblage des territoires"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    bench_sections = {"k": "pilote.targeting.bench.ImportBench", "l": "pilote.targeting.bench.TargetingBench"}
    history_vocabularies = ("pilote.targeting.history.VOCABULARY",)
    demo_seeds = ("pilote.targeting.demo.seed",)
    menu_items = (
        MenuItem("Événements industriels", "targeting:events", visible_to="pilote.targeting.perms.can_declare_events"),
    )
