"""The one registry (pilote.core.registry): it collects what each app declares in its AppConfig, and the menu, the
territory's page, the demo and the bench read it (no settings list, no import guessing, no direct import)."""

import io

import pytest
from django.core.management import call_command

from pilote.budget import bench as budget_bench
from pilote.budget import dashboard
from pilote.budget import demo as budget_demo
from pilote.budget import demo_evidence as budget_demo_evidence
from pilote.campaigns import bench as campaigns_bench
from pilote.campaigns import demo as campaigns_demo
from pilote.core import registry
from pilote.core.benchtools import BenchSection
from pilote.core.enums import Role
from pilote.plans import bench as plans_bench
from pilote.plans import demo as plans_demo
from pilote.plans import views as plans_views
from pilote.shell import bench_load, bench_pages, bench_transfer
from pilote.shell.management.commands import bench as bench_command
from pilote.sites import bench as sites_bench
from pilote.sites import bench_public as sites_bench_public
from pilote.sites import bench_scoring as sites_bench_scoring
from pilote.sites import bench_selection as sites_bench_selection
from pilote.sites import bench_zan as sites_bench_zan
from pilote.sites import demo as sites_demo
from pilote.sites import zan as sites_zan
from pilote.targeting import bench as targeting_bench
from pilote.targeting import bench_pages as targeting_bench_pages
from pilote.targeting import demo as targeting_demo
from pilote.targeting import diagnosis
from pilote.territories import bench as territories_bench
from tests.core.factories import user_with_role


def everyone(user) -> bool:
    return True


def test_the_registry_collects_the_page_sections_of_the_apps():
    assert registry.page_sections() == [
        plans_views.territory_contact_section,
        diagnosis.diagnosis_section,
        sites_zan.territory_section,
        dashboard.territory_money_section,
    ]


def test_the_registry_collects_the_demo_seeds_in_the_order_of_the_apps():
    assert registry.demo_seeds() == [
        plans_demo.seed,
        targeting_demo.seed,
        sites_demo.slabel,
        sites_demo.sscore,
        sites_demo.sselect,
        sites_demo.szan,
        campaigns_demo.seed,
        budget_demo.seed,
        budget_demo_evidence.seed,  # after targeting's demo events, which it designates from
    ]


def test_the_registry_collects_the_bench_sections_sorted_by_letter():
    assert registry.bench_sections() == {
        "b": territories_bench.ResolutionBench,
        "c": territories_bench.ComparisonBench,
        "d": territories_bench.MapBench,
        "e": bench_pages.PagesBench,
        "f": campaigns_bench.CampaignBench,
        "g": budget_bench.BudgetBench,
        "h": plans_bench.PlanBench,
        "i": bench_load.LoadBench,
        "j": bench_transfer.TransferBench,
        "k": targeting_bench.ImportBench,
        "l": targeting_bench.TargetingBench,
        "m": targeting_bench_pages.PagesBench,
        "n": sites_bench.ImportBench,
        "o": sites_bench_zan.ZanBench,
        "p": sites_bench_scoring.ScoringBench,
        "q": sites_bench_selection.SelectionBench,
        "r": sites_bench_public.PublicPagesBench,
    }


def test_a_bench_letter_declared_twice_is_refused(monkeypatch):
    from django.apps import apps

    monkeypatch.setattr(apps.get_app_config("plans"), "bench_sections", {"g": "pilote.plans.bench.PlanBench"})
    with pytest.raises(ValueError, match="'g' declared twice"):
        registry.bench_sections()


def test_the_registry_collects_the_menu_items():
    ranking, events, sites, budget = registry.menu_items()  # in the order of INSTALLED_APPS
    assert (ranking.label, ranking.url_name, ranking.namespace) == ("Ciblage", "targeting:ranking", "targeting")
    assert (events.label, events.url_name, events.namespace) == (
        "Événements industriels",
        "targeting:events",
        "targeting",
    )
    assert (sites.label, sites.url_name, sites.namespace) == ("Sites", "sites:pool", "sites")
    assert (budget.label, budget.url_name, budget.namespace) == ("Budget", "budget:dashboard", "budget")


def test_the_menu_shows_the_budget_to_whom_may_see_it_and_marks_it_current(client, mini_world):
    link = '<a class="fr-nav__link"'
    assert ">Budget</a>" not in client.get("/").content.decode()
    client.force_login(user_with_role(Role.NATIONAL))
    home = client.get("/").content.decode()
    assert ">Budget</a>" in home and link in home
    page = client.get("/espace/budget/").content.decode()
    current = page[page.index('href="/espace/budget/"') :].split(">Budget</a>")[0]
    assert 'aria-current="page"' in current


def test_the_menu_reads_the_registry(client, mini_world, monkeypatch):
    item = registry.MenuItem("Entrée de test", "territories:search", visible_to=f"{__name__}.everyone")
    monkeypatch.setattr(registry, "menu_items", lambda: [item])
    html = client.get("/").content.decode()
    assert ">Entrée de test</a>" in html and ">Budget</a>" not in html


def test_the_bench_runs_the_sections_of_the_registry(monkeypatch, tmp_path, settings):
    ran = []

    class Section(BenchSection):
        def run(self, runs: int) -> None:
            ran.append(runs)
            self.row("section de test", "1 s")

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(bench_command.Command, "prepare_real_database", lambda self: None)
    monkeypatch.setattr(registry, "bench_sections", lambda: {"y": Section, "z": Section})
    out = io.StringIO()
    call_command("bench", only="z", runs=3, stdout=out)
    assert ran == [3]  # only the letter asked for, with the runs asked for
    assert "section de test" in out.getvalue()


def test_the_registry_collects_the_inbox_counts():
    assert [f.__module__ + "." + f.__name__ for f in registry.inbox_counts()] == [
        "pilote.sites.inbox.todo_items",
        "pilote.campaigns.inbox.todo_items",
    ]


def test_mon_espace_and_the_header_read_the_inbox_counts_of_the_registry(client, mini_world, monkeypatch):
    todo = registry.Todo("choses de test à faire", 4, "/espace/campagnes/?todo=1")
    monkeypatch.setattr(registry, "inbox_counts", lambda: [lambda user: [todo, registry.Todo("rien", 0, "/")]])
    client.force_login(user_with_role(Role.NATIONAL))
    page = client.get("/espace/").content.decode()
    assert "<strong>4</strong> choses de test à faire" in page and ">À traiter (4)</a>" in page
    assert "rien</a>" not in page  # a count of 0 is left out


def test_the_header_leads_to_mon_espace_when_things_wait_on_several_pages(client, mini_world, monkeypatch):
    files = registry.Todo("avis attendus sur des dossiers", 2, "/espace/campagnes/?todo=1")
    sites = registry.Todo("avis attendus sur des sites", 1, "/sites/labellisation/a-traiter/#avis")
    decide = registry.Todo("sites à décider", 1, "/sites/labellisation/a-traiter/#a-decider")
    monkeypatch.setattr(registry, "inbox_counts", lambda: [lambda user: [sites, decide], lambda user: [files]])
    client.force_login(user_with_role(Role.NATIONAL))
    page = client.get("/espace/").content.decode()
    assert 'href="/espace/#todo">À traiter (4)</a>' in page
    monkeypatch.setattr(registry, "inbox_counts", lambda: [lambda user: [sites, decide]])  # one page: straight there
    page = client.get("/espace/").content.decode()
    assert 'href="/sites/labellisation/a-traiter/#avis">À traiter (2)</a>' in page
