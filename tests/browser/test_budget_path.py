"""Steering the money in a real browser (Playwright driving Debian's Chromium, headless), on the mini world.

ANCT drafts a scenario through its form (split by population), compares it with an existing one (tables and DSFR bar
charts drawn), applies it: the year's envelopes are created. The regional reviewer of Auvergne-Rhône-Alpes then
commits an amount on the région's envelope, and is refused — with a French message saying what remains — when a
second commitment would overspend it; nothing is written by the refusal.

Every page of the path goes through axe-core (from npm): no violation of impact « serious » or « critical ».
Screenshots are left in /tmp/budget_*.png.
"""

import pytest

from pilote.budget.enums import ActionType, EnvelopeLevel, ScenarioRule
from pilote.budget.models import Commitment, Envelope, Scenario
from pilote.budget.money import euros
from pilote.core.enums import Role

from ..budget.test_scenarios import four_lines, make_scenario
from .support import Visit, person

pytestmark = pytest.mark.browser
YEAR = 2026
SHARES = {
    ActionType.PROJECT_LEADS: "10",
    ActionType.INVESTMENTS: "50",
    ActionType.REBOND: "15",
    ActionType.SKILLS: "25",
}


@pytest.fixture
def world(mini_world, transactional_db):
    people = {
        "anct": person("anct.budget", Role.NATIONAL),
        "region": person("region.aura", Role.REGION_REVIEWER, region_code="84"),
    }
    equal = make_scenario(YEAR, "Part égale par territoire", lines=four_lines(ScenarioRule.PER_TERRITORY))
    return people, equal


def painted_pixels(page, chart: str) -> int:
    """Pixels painted on a chart's canvas (in the web component's shadow DOM, pierced by Playwright)."""
    canvas = page.locator(f"#{chart} bar-chart canvas")
    canvas.wait_for()
    page.wait_for_timeout(1200)  # Chart.js animates its first drawing
    return canvas.evaluate(
        """(canvas) => {
            if (!canvas.width || !canvas.height) return 0;
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted += 1;
            return painted;
        }"""
    )


def draft_scenario(anct: Visit) -> Scenario:
    anct.goto("/espace/budget/scenarios/")
    anct.check("scénarios")
    anct.page.get_by_role("link", name="Nouveau scénario").click()
    anct.check("nouveau scénario")
    page = anct.page
    page.locator("#id_year").fill(str(YEAR))
    page.locator("#id_name").fill("Selon la population")
    for action_type, share in SHARES.items():
        page.locator(f"#id_{action_type}-share_percent").fill(share)
        page.locator(f"#id_{action_type}-rule").select_option(ScenarioRule.PER_POPULATION)
    page.get_by_role("button", name="Enregistrer").click()
    assert "Selon la population" in anct.heading()
    assert painted_pixels(page, "chart-regions") > 1000
    anct.check("scénario")
    page.screenshot(path="/tmp/budget_scenario.png", full_page=True)
    return Scenario.objects.get(year=YEAR, name="Selon la population")


def compare(anct: Visit, scenarios: list[Scenario]) -> None:
    anct.goto("/espace/budget/scenarios/")
    for scenario in scenarios:
        anct.page.locator(f"#compare-{scenario.pk}").check(force=True)
    anct.page.get_by_role("button", name="Comparer les scénarios cochés").click()
    assert anct.heading() == "Comparer des scénarios"
    assert painted_pixels(anct.page, "chart-regions") > 1000
    assert painted_pixels(anct.page, "chart-action-types") > 1000
    dot = anct.page.locator("#chart-regions bar-chart .legende_dot").first  # the legend's colours are drawn too
    assert dot.bounding_box()["width"] > 5
    row = anct.page.locator("#by-action-type tr", has_text="Investissements productifs")
    cells = [cell.replace("\u202f", " ") for cell in row.locator("td").all_inner_texts()]
    assert cells[:2] == ["25 000 000 €", "50 000 000 €"], cells  # the existing scenario first, then the new one
    anct.check("comparaison")
    anct.page.screenshot(path="/tmp/budget_compare.png", full_page=True)


def apply(anct: Visit, scenario: Scenario) -> None:
    anct.goto(f"/espace/budget/scenarios/{scenario.pk}/")
    anct.page.get_by_role("link", name="Appliquer").click()
    anct.check("appliquer")
    anct.page.get_by_label("Je confirme").check(force=True)
    anct.page.get_by_role("button", name="Appliquer le scénario").click()
    anct.page.wait_for_url(f"{anct.base_url}/espace/budget/scenarios/{scenario.pk}/")
    assert Envelope.objects.filter(year=YEAR, level=EnvelopeLevel.REGION, region_code="84").count() == 4
    anct.check("scénario appliqué")


def commit(region: Visit, envelope: Envelope, amount: str, label: str) -> None:
    region.goto(f"/espace/budget/enveloppes/e/{envelope.pk}/")
    region.page.get_by_role("link", name="Engager").first.click()
    page = region.page
    page.locator("#id_territory").select_option(label="Ain industriel (ti-8401)")
    page.locator("#id_label").fill(label)
    page.locator("#id_beneficiary_name").fill("Cycles de l'Ain")
    page.locator("#id_amount").fill(amount)
    page.locator("#id_sector").select_option("velo")
    page.get_by_role("radio", name="Engager maintenant").check(force=True)
    page.locator("#id_decided_on").fill(f"{YEAR}-03-02")
    page.get_by_role("button", name="Enregistrer").click()


def test_anct_applies_a_scenario_then_a_regional_reviewer_commits_and_is_refused_beyond_the_envelope(
    browser, live_server, world
):
    people, equal = world
    audited: dict[str, list[str]] = {}

    anct = Visit(browser, live_server.url, audited)
    anct.sign_in("anct.budget")
    anct.page.locator("#budget-link").click()
    assert anct.heading() == "Suivi du budget"
    anct.check("tableau de bord vide")
    scenario = draft_scenario(anct)
    compare(anct, [equal, scenario])
    apply(anct, scenario)
    anct.close()

    envelope = Envelope.objects.get(
        year=YEAR, level=EnvelopeLevel.REGION, region_code="84", action_type="investissements"
    )
    region = Visit(browser, live_server.url, audited)
    region.sign_in("region.aura")
    region.page.locator("#budget-link").click()
    region.check("tableau de bord de la région")
    commit(region, envelope, "100000", "Ligne d'assemblage de vélos")
    assert "Ligne d'assemblage de vélos" in region.heading()
    region.check("engagement")
    committed = Commitment.objects.get(label="Ligne d'assemblage de vélos")
    assert committed.status == "engage" and committed.amount == 100_000

    envelope.refresh_from_db()
    too_much = envelope.ae_remaining + 1
    commit(region, envelope, str(too_much), "Seconde ligne")
    alert = region.text(".fr-alert--error").replace("\u202f", " ")
    assert "dépasse l'enveloppe" in alert, alert
    assert f"il reste {euros(envelope.ae_remaining)} en autorisations d'engagement".replace("\u202f", " ") in alert
    region.check("engagement refusé")
    region.page.screenshot(path="/tmp/budget_refused.png", full_page=True)
    assert not Commitment.objects.filter(label="Seconde ligne").exists()
    assert Envelope.objects.get(pk=envelope.pk).ae_used == envelope.ae_used
    region.close()

    failures = [line for lines in audited.values() for line in lines]
    assert not failures, "\n".join(failures)
