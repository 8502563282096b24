from django.apps import AppConfig

from pilote.core.registry import MenuItem


class SitesConfig(AppConfig):
    name = "pilote.sites"
    label = "sites"
    verbose_name = "Sites industriels"
    # What the app contributes to the others, read through pilote.core.registry (filled as the capability grows).
    history_vocabularies = ("pilote.sites.history.VOCABULARY",)
    # The ZAN account on a territory's page (szan).
    page_sections = ("pilote.sites.zan.territory_section",)
    # In this order: the demo sites, their scores, then a selection among the scored sites; demo NAF flows.
    demo_seeds = (
        "pilote.sites.demo.slabel",
        "pilote.sites.demo.sscore",
        "pilote.sites.demo.sselect",
        "pilote.sites.demo.szan",
    )
    bench_sections = {
        "n": "pilote.sites.bench.ImportBench",
        "o": "pilote.sites.bench_zan.ZanBench",
        "p": "pilote.sites.bench_scoring.ScoringBench",
        "q": "pilote.sites.bench_selection.SelectionBench",
        "r": "pilote.sites.bench_public.PublicPagesBench",
    }
    # « À traiter »: opinions awaited from the person's organisation, sites to shortlist or to decide (sglue).
    inbox_counts = ("pilote.sites.inbox.todo_items",)
    menu_items = (MenuItem("Sites", "sites:pool", visible_to="pilote.sites.perms.can_view_sites"),)
