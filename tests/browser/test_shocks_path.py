"""Industrial shocks in a real browser (Playwright driving Debian's Chromium, headless), on the mini world.

A préfecture (Jura) declares an industrial event by typing the commune's name; ANCT finds it in the list of declared
events, opens the designation page of a shock alert, reads its evidence and designates the territory for Rebond
industriel (the alert is closed, the evidence kept); ANCT then drafts a scenario whose investments are split « selon
l'indice de fragilité » and reads the new amounts against the other rules.

Every page of the path goes through axe-core (from npm): no violation of impact « serious » or « critical ».
Screenshots are left in /tmp/shocks_*.png.
"""

import pytest

from pilote.budget.enums import ActionType, ScenarioRule
from pilote.budget.models import ShockDesignation
from pilote.core.enums import Role
from pilote.targeting.enums import AlertStatus
from pilote.targeting.models import IndustrialEvent

from ..targeting.shocks import alert, method_version, scoring
from .support import Visit, person

pytestmark = pytest.mark.browser
YEAR = 2026


@pytest.fixture
def world(mini_world, transactional_db):
    person("anct.chocs", Role.NATIONAL)
    person("prefecture.jura", Role.DEPARTEMENT_REVIEWER, departement_code="39")
    version = method_version()
    found = alert(code="ti-2701", version=version)
    scoring(version, {"ti-8401": 10, "ti-2701": 30})  # the latest scoring: ti-2701 weighs twice ti-8401
    return found


def declare(prefecture: Visit) -> None:
    prefecture.goto("/ciblage/evenements/")
    prefecture.check("événements (préfecture)")
    prefecture.page.get_by_role("link", name="Déclarer un événement").click()
    prefecture.check("déclarer un événement")
    page = prefecture.page
    page.locator("#id_company").fill("Fonderie de Zeta")
    page.locator("#id_siret").fill("443 061 841 00047")
    page.locator("#id_commune").fill("Zeta")
    page.locator("#id_kind").select_option("closure")
    page.locator("#id_occurred_on").fill("2026-02-10")
    page.locator("#id_jobs_lost").fill("140")
    page.get_by_role("button", name="Enregistrer").click()
    assert prefecture.heading() == "Fonderie de Zeta"
    assert "Zeta (39002), département 39, région 27" in prefecture.text("#facts")
    prefecture.check("événement déclaré")


def designate(anct: Visit, found) -> None:
    anct.goto("/ciblage/evenements/")
    assert "Fonderie de Zeta" in anct.text("#events")
    anct.check("événements (ANCT)")
    anct.goto(f"/espace/budget/rebond/depuis-alerte/{found.pk}/")
    assert "Alerte : hausse du chômage plus rapide qu'en France" in anct.text()
    assert "écart au national (points)" in anct.text("#alert")
    anct.check("désigner depuis une alerte")
    anct.page.locator("#id_decision").fill("Comité national du 2 mars")
    anct.page.get_by_role("button", name="Désigner Rebond industriel").click()
    anct.page.wait_for_url(f"{anct.base_url}/espace/budget/rebond/")
    anct.check("désignations")
    anct.page.screenshot(path="/tmp/shocks_designated.png", full_page=True)
    shock = ShockDesignation.objects.get()
    assert shock.territory.code == "ti-2701" and shock.evidence["alert"]["period"] == "2023-T3"
    found.refresh_from_db()
    assert found.status == AlertStatus.DESIGNATED


def scenario_by_index(anct: Visit) -> None:
    anct.goto("/espace/budget/scenarios/nouveau/")
    page = anct.page
    page.locator("#id_year").fill(str(YEAR))
    page.locator("#id_name").fill("Selon l'indice")
    for action_type in ActionType.values:
        page.locator(f"#id_{action_type}-share_percent").fill("25")
    page.locator(f"#id_{ActionType.INVESTMENTS}-rule").select_option(ScenarioRule.PER_FRAGILITY_INDEX)
    page.locator("#id_fragility_method").select_option(label="Indice de fragilité — version 1")
    anct.check("scénario selon l'indice")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Selon l'indice" in anct.heading()
    rows = {
        row.locator("th").inner_text(): [c.replace("\u202f", " ") for c in row.locator("td").all_inner_texts()]
        for row in page.locator("#index-effect tbody tr").all()
    }
    # 25 M€ split 1 : 2 by the index, against 1 : 1 per territory
    assert rows["Auvergne-Rhône-Alpes"][:3] == ["8 333 333 €", "12 500 000 €", "-4 166 667 €"], rows
    assert rows["Bourgogne-Franche-Comté"][:3] == ["16 666 667 €", "12 500 000 €", "+4 166 667 €"], rows
    anct.check("scénario : ce que change l'indice")
    page.screenshot(path="/tmp/shocks_scenario.png", full_page=True)


def test_declared_event_alert_to_designation_and_a_scenario_split_by_fragility(browser, live_server, world):
    audited: dict[str, list[str]] = {}
    prefecture = Visit(browser, live_server.url, audited)
    prefecture.sign_in("prefecture.jura")
    declare(prefecture)
    prefecture.close()
    assert IndustrialEvent.objects.get().siret == "44306184100047"

    anct = Visit(browser, live_server.url, audited)
    anct.sign_in("anct.chocs")
    designate(anct, world)
    scenario_by_index(anct)
    anct.close()

    failures = [line for lines in audited.values() for line in lines]
    assert not failures, "\n".join(failures)
