"""What issue 12 saw in Chromium at 1280 px and fixed: the home map's shapes stay out of the tab order (the list of
territories stays the way to reach them by keyboard), and « Ajouter un financeur » adds a funder line. axe-core on
every page."""

import pytest

from pilote.core.enums import Role
from pilote.plans.models import FicheAction, Funder
from pilote.territories.models import Territory

from ..plans.factories import FicheFactory
from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser
FOCUSED = "() => document.activeElement.tagName + ' ' + document.activeElement.textContent.trim()"
LONG_TITLE = "Campus des métiers et des qualifications de l'industrie du futur et de la transition écologique"


@pytest.fixture
def team(mini_world, transactional_db):
    person("equipe.ain", Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401")
    ain = Territory.objects.get(phase__slug=PHASE, code="ti-8401")
    for n in range(3):
        FicheFactory(territory=ain, title=f"{LONG_TITLE} {n}", lead_organisation="Communauté de communes Alpha Beta")
    return ain


def _no_violation(audited):
    assert [v for found in audited.values() for v in found] == []


def test_home_map_shapes_are_not_in_the_tab_order(browser, live_server, team):
    audited: dict[str, list[str]] = {}
    visit = Visit(browser, live_server.url, audited)
    visit.goto("/")
    visit.page.wait_for_selector("#ti-map[data-loaded]", state="attached")
    assert visit.page.locator(".ti-map path.ti-territory").count() > 0
    reached = []
    for _ in range(60):  # the whole page, header to footer, and back to the top
        visit.page.keyboard.press("Tab")
        reached.append(visit.page.evaluate(FOCUSED))
    assert [r for r in reached if r.startswith("path")] == []  # Chromium focuses Leaflet's paths (focus listeners)
    assert "A liste des territoires" in reached  # the way to the territories without the map
    visit.check("accueil")
    visit.close()
    _no_violation(audited)


def test_add_a_funder_line_and_save_two_funders(browser, live_server, team):
    fiche = FicheAction.objects.filter(territory=team).first()
    audited: dict[str, list[str]] = {}
    visit = Visit(browser, live_server.url, audited)
    visit.sign_in("equipe.ain")
    visit.goto(f"/espace/plans/{PHASE}/ti-8401/fiches/{fiche.pk}/modifier/")
    page = visit.page
    funders = page.locator("#financeurs .ti-formset-line")
    assert funders.count() == 1
    page.fill("#id_financeurs-0-organisation", "Région Auvergne-Rhône-Alpes")
    page.fill("#id_financeurs-0-amount", "30000")
    page.get_by_role("button", name="Ajouter un financeur").click()
    assert funders.count() == 2
    assert page.evaluate("() => document.activeElement.id") == "id_financeurs-1-organisation"
    page.keyboard.type("Banque des Territoires")
    page.fill("#id_financeurs-1-amount", "20000")
    visit.check("fiche avec deux financeurs")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{live_server.url}/espace/plans/{PHASE}/ti-8401/fiches/{fiche.pk}/")
    assert sorted(Funder.objects.filter(fiche=fiche).values_list("organisation", flat=True)) == [
        "Banque des Territoires",
        "Région Auvergne-Rhône-Alpes",
    ]
    visit.close()
    _no_violation(audited)
