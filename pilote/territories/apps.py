from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "pilote.territories"
    label = "territories"
    verbose_name = "Territoires d'industrie"
    # What the app contributes to the others, read through pilote.core.registry.
    bench_sections = {
        "b": "pilote.territories.bench.ResolutionBench",
        "c": "pilote.territories.bench.ComparisonBench",
        "d": "pilote.territories.bench.MapBench",
    }
    history_vocabularies = ("pilote.territories.history.VOCABULARY",)

    def ready(self):
        from . import receivers  # noqa: F401 — connects the receivers; models must be loaded first
