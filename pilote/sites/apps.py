from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "pilote.sites"
    label = "sites"
    verbose_name = "Sites industriels"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    bench_sections = {
        "p": "pilote.sites.bench_scoring.ScoringBench",  # sscore
    }
    history_vocabularies = ("pilote.sites.history.VOCABULARY",)
    demo_seeds = ("pilote.sites.demo.sscore",)
