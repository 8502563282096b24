"""What issue 12 saw in Chromium at 1280 px and fixed: the plan table fits the page, the history table's scrolling
region is reachable by keyboard and named, the home map's shapes stay out of the tab order (the list of territories
stays the way to reach them by keyboard), and « Ajouter un financeur » adds a funder line. axe-core on every page."""

import pytest

from pilote.core.enums import Role
from pilote.plans.models import FicheAction, Funder
from pilote.territories.models import Territory

from ..plans.factories import FicheFactory
from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser
FOCUSED = "() => document.activeElement.tagName + ' ' + document.activeElement.textContent.trim()"
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


def test_plan_table_fits_the_page_at_1280_px(browser, live_server, team):
    audited: dict[str, list[str]] = {}
    visit = Visit(browser, live_server.url, audited)
    visit.sign_in("equipe.ain")
    visit.goto(f"/espace/plans/{PHASE}/ti-8401/")
    visit.check("plan")
    scroller = visit.page.locator("#fiches").locator("xpath=ancestor::div[contains(@class, 'fr-table__container')]")
    widths = scroller.evaluate("el => [el.scrollWidth, el.clientWidth, el.querySelector('table').offsetWidth]")
    assert widths[0] <= widths[1], widths  # nothing to scroll sideways
    assert widths[2] <= 1200, widths  # within the DSFR page container at 1280 px
    assert visit.page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    visit.close()
    _no_violation(audited)


def test_history_scrolling_region_is_focusable_and_named(browser, live_server, team):
    fiche = FicheAction.objects.filter(territory=team).first()
    audited: dict[str, list[str]] = {}
    visit = Visit(browser, live_server.url, audited)
    visit.sign_in("equipe.ain")
    visit.goto(f"/espace/plans/{PHASE}/ti-8401/fiches/{fiche.pk}/")
    visit.check("fiche")
    region = visit.page.get_by_role("region", name="Historique des modifications")
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert region.evaluate("el => el === document.activeElement")
    visit.close()
    _no_violation(audited)


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
