"""The Content-Security-Policy sent with every page (config/settings/base.py) lets the pages work: in Chromium the
home map, a territory's page with its map, the budget dashboard with its DSFR charts and the admin raise no CSP
violation and no JavaScript error, and draw what they should."""

import pytest
from csp.constants import NONE, SELF

from pilote.budget.enums import ActionType, ScenarioRule
from pilote.core.enums import Role

from ..browser.support import PASSWORD, launch_browser, person
from ..budget.test_scenarios import line, make_scenario

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


class Watched:
    """A page that keeps every CSP violation and JavaScript error it meets."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(locale="fr-FR")
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.base_url, self.problems = base_url, []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"JavaScript: {error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("load")

    def sign_in(self, username: str):
        self.goto("/connexion/")
        self.page.get_by_role("textbox", name="Identifiant").fill(username)
        self.page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_url(f"{self.base_url}/espace/")


def test_pages_with_maps_and_charts_raise_no_csp_violation(browser, live_server, mini_world, transactional_db):
    make_scenario(2026, "Scénario CSP", lines={t: line("25", ScenarioRule.PER_TERRITORY) for t in ActionType.values})
    person("anct.csp", Role.NATIONAL)
    visit = Watched(browser, live_server.url)
    try:
        visit.goto("/")
        visit.page.locator(".leaflet-interactive").first.wait_for()  # the national map drew its territories
        visit.goto("/territoires/2023-2027/ti-8401/")
        visit.page.locator(".leaflet-interactive").first.wait_for()
        visit.sign_in("anct.csp")
        visit.goto("/espace/budget/scenarios/")
        visit.page.get_by_role("link", name="Scénario CSP").click()
        visit.page.locator("bar-chart canvas").first.wait_for()  # DSFR chart's web component drew its canvas
        visit.page.wait_for_timeout(1500)
        visit.goto("/espace/budget/")
        visit.goto("/admin/login/")
        visit.page.locator("#login-form #id_password").wait_for()
        assert visit.problems == []
    finally:
        visit.context.close()


def test_a_violation_would_be_seen(browser, live_server, mini_world, transactional_db, settings):
    """The watcher is not blind: with images forbidden, the DSFR's own icons are refused and reported."""
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy, "img-src": [NONE], "style-src": [SELF]}}
    visit = Watched(browser, live_server.url)
    try:
        visit.goto("/")
        visit.page.wait_for_timeout(500)
        assert any(problem.startswith("CSP: ") for problem in visit.problems)
    finally:
        visit.context.close()
