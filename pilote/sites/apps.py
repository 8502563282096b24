from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "pilote.sites"
    label = "sites"
    verbose_name = "Sites industriels"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    # --- szan: the ZAN account on a territory's page ---
    page_sections = ("pilote.sites.zan.territory_section",)
    bench_sections = {
        "o": "pilote.sites.bench_zan.ZanBench",  # szan
    }
    demo_seeds = ("pilote.sites.demo.szan",)
