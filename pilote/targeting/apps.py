from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "pilote.targeting"
    label = "targeting"
    verbose_name = "Ciblage des territoires"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    page_sections = ("pilote.targeting.diagnosis.diagnosis_section",)
    bench_sections = {"l": "pilote.targeting.bench.PagesBench"}
