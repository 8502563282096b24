from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pilote.plans"
    label = "plans"
    verbose_name = "Plans d'actions"
    # What the app contributes to the others, read through pilote.core.registry.
    demo_seeds = ("pilote.plans.demo.seed",)
    bench_sections = {"h": "pilote.plans.bench.PlanBench"}
    page_sections = ("pilote.plans.views.territory_contact_section",)
    sheet_sections = ("pilote.plans.views.territory_sheet_section",)
    history_vocabularies = ("pilote.plans.history.VOCABULARY",)
