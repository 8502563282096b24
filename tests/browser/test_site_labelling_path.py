"""A site from its proposal to its label, in a real browser (Playwright driving Debian's Chromium): the territory team
draws the site on the map, ANCT shortlists it and opens the review, Banque des Territoires gives its opinion and labels
it, and the dashboard counts it. axe-core on every page: no serious or critical violation."""

import datetime

import pytest
from django.utils import timezone

from pilote.core.enums import Operator, OrganisationKind, Role
from pilote.core.models import Organisation
from pilote.sites.enums import LabelState
from pilote.sites.models import Site

from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser


@pytest.fixture
def actors(mini_world, transactional_db):
    person("equipe.ain", Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401")
    person("anct.national", Role.NATIONAL)
    bdt = person("bdt.sites", Role.OPERATOR)
    bdt.organisation = Organisation.objects.create(
        kind=OrganisationKind.OPERATOR, operator=Operator.BANQUE_DES_TERRITOIRES, name="Banque des Territoires"
    )
    bdt.save(update_fields=["organisation"])


def test_a_site_drawn_by_the_team_is_reviewed_and_labelled_with_bdt(browser, live_server, actors):
    audited: dict[str, list[str]] = {}
    team = Visit(browser, live_server.url, audited)
    team.sign_in("equipe.ain")
    team.goto("/sites/proposer/")
    team.check("proposer un site")
    page = team.page
    page.get_by_label("Nom du site").fill("Friche dessinée")
    page.get_by_label("Nature").select_option("brownfield")
    page.get_by_label("Commune (nom ou code INSEE)").fill("Delta")
    page.get_by_role("button", name="Dessiner le contour").click()  # leaves the commune field: the map goes there
    page.wait_for_selector('.sites-draw[data-centred="01004"]')  # drawn in Delta, not on the map of France
    page.locator(".sites-draw").scroll_into_view_if_needed()
    box = page.locator(".sites-draw").bounding_box()
    for dx, dy in [(0, 0), (40, 0), (40, 40)]:
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
    assert '"type":"Polygon"' in page.locator("#id_polygon").input_value()
    page.get_by_role("button", name="Proposer le site").click()
    assert team.heading() == "Friche dessinée"
    team.check("labellisation, site proposé")
    site = Site.objects.get(name="Friche dessinée")
    assert site.polygon and site.area_m2 > 0 and site.commune_code == "01004"
    team.close()

    anct = Visit(browser, live_server.url, audited)
    anct.sign_in("anct.national")
    anct.goto(f"/sites/labellisation/{site.identifier}/")
    anct.page.get_by_role("button", name="Présélectionner le site").click()
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    anct.page.get_by_label("Avis à rendre avant le").fill(deadline.isoformat())
    anct.page.get_by_role("button", name="Ouvrir l'instruction (demander les avis)").click()
    assert anct.page.locator("#label-state").text_content().strip() == "en instruction"
    anct.check("labellisation, en instruction")
    anct.close()

    bdt = Visit(browser, live_server.url, audited)
    bdt.sign_in("bdt.sites")
    bdt.goto(f"/sites/labellisation/{site.identifier}/")
    bdt.page.get_by_text("favorable", exact=True).click()
    bdt.page.get_by_role("button", name="Rendre l'avis").click()
    bdt.page.get_by_role("button", name="Labelliser le site").click()
    assert bdt.page.locator("#label-state").text_content().strip() == "labellisé"
    bdt.check("labellisation, site labellisé")
    bdt.goto("/sites/labellisation/")
    assert "sur 1 labellisé(s)" in bdt.text("#ready-now")
    bdt.check("tableau de bord des sites labellisés")
    bdt.close()
    assert Site.objects.get(pk=site.pk).label_state == LabelState.LABELLED
    assert not [v for page_violations in audited.values() for v in page_violations], audited
