"""Sign-in in a real browser (Playwright driving Debian's Chromium), with an axe-core accessibility check of the
login page and of « Mon espace »: no serious or critical violation."""

import os

import pytest
from django.conf import settings

from pilote.core.enums import Role
from tests.core.factories import UserFactory

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in this thread
CHROMIUM = "/usr/bin/chromium"
AXE = settings.NODE_MODULES_DIR / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(path=str(AXE))  # the site's CSP refuses scripts added to the page
    context.set_default_timeout(60_000)  # the suite may run beside others on a loaded machine
    yield context.new_page()
    context.close()


def _serious_violations(page) -> list[str]:
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_sign_in_with_the_keyboard_labels_and_reach_mon_espace(page, live_server, mini_world, transactional_db):
    user = UserFactory(username="agent.ain", password="un-mot-de-passe")
    user.roles.create(role=Role.DEPARTEMENT_REVIEWER, departement_code="01")
    page.goto(f"{live_server.url}/connexion/")
    assert _serious_violations(page) == []
    page.get_by_role("textbox", name="Identifiant").fill("agent.ain")
    page.get_by_label("Mot de passe", exact=True).fill("faux")
    page.get_by_role("button", name="Se connecter").click()
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page.get_by_role("alert").inner_text()
    assert _serious_violations(page) == []
    page.get_by_label("Mot de passe", exact=True).fill("un-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/espace/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon espace"
    assert page.get_by_role("link", name="Ain industriel").is_visible()
    assert _serious_violations(page) == []
