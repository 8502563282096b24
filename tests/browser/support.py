"""What the browser tests share: Chromium through Playwright, a person's window that signs in and runs axe-core on
every page it reaches, and people with a role and a password."""

import os
import tempfile
from pathlib import Path

import pytest

from pilote.core.enums import Role
from pilote.core.models import Organisation, RoleAssignment

from ..core.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the tests' own database reads are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "un-mot-de-passe-solide"
PHASE = "2023-2027"


def launch_browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    if not AXE.exists():
        pytest.skip(f"axe-core not installed at {AXE} (npm ci)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One person's browser window: signs in through the form, checks every page it reaches with axe-core."""

    def __init__(self, browser, base_url: str, audited: dict):
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        # axe-core is injected into every page as an init script: the site's CSP refuses scripts added to the page.
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)  # a loaded machine may be slow; a missing element still fails
        self.base_url, self.audited, self.errors = base_url, audited, []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def goto(self, path: str):
        self.page.goto(self.base_url + path)

    def sign_in(self, username: str):
        self.goto("/connexion/")
        self.check("connexion")
        self.page.get_by_role("textbox", name="Identifiant").fill(username)
        self.page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_url(f"{self.base_url}/espace/")
        assert self.page.get_by_role("heading", level=1).inner_text() == "Mon espace"

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()

    def text(self, selector: str = "main") -> str:
        return self.page.locator(selector).first.inner_text()

    def check(self, name: str):
        """axe-core on the page as it stands; the serious and critical violations are kept with their nodes."""
        self.page.wait_for_load_state("load")
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        self.audited[name] = [
            f"{name} — {v['id']} ({v['impact']}): {v['help']}\n"
            + "\n".join(f"    {node['target']}: {node['html'][:200]}" for node in v["nodes"])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def close(self):
        self.context.close()
        assert not self.errors, f"JavaScript errors: {self.errors}"


def person(username: str, role: Role, *, organisation: tuple[str, str] | None = None, **scope):
    """`organisation`: (kind, name) of the organisation the person belongs to, serving the place of their scope (a
    préfecture, the SGAR, the conseil régional): opinions are asked of organisations."""
    user = UserFactory(username=username, password=PASSWORD, first_name="Camille", last_name=username)
    RoleAssignment.objects.create(user=user, role=role, **scope)
    if organisation is not None:
        kind, name = organisation
        user.organisation = Organisation.objects.create(kind=kind, name=name, **scope)
        user.save(update_fields=["organisation"])
    return user


# The README's screenshots are refreshed on purpose (`PILOTE_SCREENSHOTS=1`); a plain run of the suite writes them in a
# temporary folder and leaves the work tree alone.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("PILOTE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "pilote-screenshots"
)
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
