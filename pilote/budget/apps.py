from django.apps import AppConfig

from pilote.core.registry import MenuItem


class BudgetConfig(AppConfig):
    name = "pilote.budget"
    label = "budget"
    verbose_name = "Budget du programme"
    # What the app contributes to the others, read through pilote.core.registry.
    page_sections = ("pilote.budget.dashboard.territory_money_section",)
    sheet_sections = ("pilote.budget.dashboard.territory_sheet_money_section",)
    demo_seeds = ("pilote.budget.demo.seed", "pilote.budget.demo_evidence.seed")
    bench_sections = {"g": "pilote.budget.bench.BudgetBench"}
    project_lead_checks = ("pilote.budget.models.rules.project_lead_funding_refusal",)
    menu_items = (MenuItem("Budget", "budget:dashboard", visible_to="pilote.budget.perms.can_view_budget"),)
    history_vocabularies = ("pilote.budget.history.VOCABULARY",)
