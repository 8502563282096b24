"""The comparison of scenarios in a real browser (Playwright driving Debian's Chromium, headless): the DSFR bar charts
(`@gouvfr/dsfr-chart`, served from static `vendor/dsfr-chart/`) are drawn, next to the table of the same figures.

Screenshots are written to /tmp/scenario_*.png for whoever wants to look at them."""

import os
from pathlib import Path

import pytest

from pilote.budget.models import ScenarioRule
from pilote.core.enums import Role
from pilote.core.models import RoleAssignment

from ..core.factories import UserFactory
from .test_scenarios import SK, four_lines, line, make_scenario

pytestmark = pytest.mark.browser
# Playwright's sync API runs an event loop in the test thread; the tests' own database reads are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "un-mot-de-passe-solide"
SCREENSHOT = "/tmp/scenario_compare.png"
DETAIL_SCREENSHOT = "/tmp/scenario_detail.png"


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def scenarios(mini_world, transactional_db):
    user = UserFactory(username="anct.scenarios", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.NATIONAL)
    return [
        make_scenario(name="Égalité", lines=four_lines()),
        make_scenario(
            name="Population",
            lines={
                **four_lines(ScenarioRule.PER_POPULATION, reserve="10"),
                SK: line("25", ScenarioRule.FIXED, fixed={"84": 5_000_000, "27": 15_000_000}),
            },
        ),
    ]


def _serious_violations(page) -> list[str]:
    """axe-core on the page as it stands: the violations of impact « serious » or « critical »."""
    if not AXE.exists():
        return []
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} — " + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _painted_pixels(page, chart_id: str) -> int:
    """Pixels painted on the chart's canvas (inside the component's shadow DOM, which Playwright's locators pierce)."""
    return page.locator(f"#{chart_id} bar-chart canvas").evaluate(
        """(canvas) => {
            if (canvas.width === 0 || canvas.height === 0) return 0;
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted += 1;
            return painted;
        }"""
    )


def test_the_comparison_draws_its_bar_charts_next_to_the_table(browser, live_server, scenarios):
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/connexion/")
    page.get_by_role("textbox", name="Identifiant").fill("anct.scenarios")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/espace/")

    page.goto(live_server.url + "/espace/budget/scenarios/")
    for scenario in scenarios:
        page.locator(f"#compare-{scenario.pk}").check(force=True)
    page.get_by_role("button", name="Comparer les scénarios cochés").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Comparer des scénarios"

    for chart_id in ("chart-regions", "chart-action-types"):
        page.locator(f"#{chart_id} bar-chart canvas").wait_for()
    page.wait_for_timeout(1500)  # Chart.js animates its first drawing
    assert _painted_pixels(page, "chart-regions") > 1000
    assert _painted_pixels(page, "chart-action-types") > 1000
    # The same figures as a table: Investissements productifs, 25 M€ in each scenario.
    row = page.locator("#by-action-type tr", has_text="Investissements productifs")
    assert row.locator("td").first.inner_text().replace("\u202f", " ") == "25 000 000 €"
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert _serious_violations(page) == []

    page.goto(live_server.url + f"/espace/budget/scenarios/{scenarios[1].pk}/")
    page.locator("#chart-regions bar-chart canvas").wait_for()
    page.wait_for_timeout(1500)
    assert _painted_pixels(page, "chart-regions") > 1000
    page.screenshot(path=DETAIL_SCREENSHOT, full_page=True)
    assert _serious_violations(page) == []
    page.goto(live_server.url + "/espace/budget/scenarios/nouveau/")
    page.screenshot(path="/tmp/scenario_form.png", full_page=True)
    assert _serious_violations(page) == []
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
