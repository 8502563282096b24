"""The public side of the 50 sites in a real browser (Playwright driving Debian's Chromium, headless).

A visitor opens the pool from the menu, filters it by région, opens a site (each fact with its source and date, an
unknown one « inconnu »), then the labelled sites: the map draws the labelled site (its contour when known) and its
popup leads to its page; the table gives its key facts and the territory's contact. Every page goes through axe-core:
no violation of impact « serious » or « critical ».

The whole path of issue 11 (a territory team draws a site, ANCT runs a selection of 50, Banque des Territoires gives
its opinion, the site is labelled) is built by the other parts of the issue and joins this test once they land."""

import json

import pytest

from pilote.sites.models import Site
from tests.sites.public_world import build_pool, label_beta

from .support import Visit

pytestmark = pytest.mark.browser
SQUARE = {"type": "Polygon", "coordinates": [[[5.2, 46.2], [5.21, 46.2], [5.21, 46.21], [5.2, 46.2]]]}


@pytest.fixture
def world(mini_world, transactional_db):
    pool = build_pool()
    beta = label_beta(pool)
    Site.objects.filter(pk=beta.pk).update(polygon=json.dumps(SQUARE))


def test_a_visitor_reads_the_pool_a_site_and_the_map_of_labelled_sites(browser, live_server, world):
    audited: dict[str, list[str]] = {}
    visitor = Visit(browser, live_server.url, audited)
    visitor.goto("/")
    visitor.page.get_by_role("link", name="Sites", exact=True).first.click()
    visitor.page.wait_for_url("**/sites/")
    assert visitor.heading() == "Sites industriels"
    assert "3 sites" in visitor.text("#count")
    visitor.check("vivier")

    visitor.page.get_by_label("Région").select_option(label="Bourgogne-Franche-Comté")
    visitor.page.get_by_role("button", name="Filtrer").click()
    visitor.page.wait_for_url("**region=27**")
    assert "1 site" in visitor.text("#count")
    visitor.page.get_by_role("link", name="Friche du Jura").click()
    assert visitor.heading() == "Friche du Jura"
    assert "inconnue" in visitor.text("#identity")  # its area
    visitor.check("site")

    visitor.goto("/sites/site/01001_1/")
    facts = visitor.text("#facts")
    assert "pollution connue\tinconnu\tCartofriches (Cerema)\t10/03/2024" in facts
    visitor.check("site, faits")

    visitor.goto("/sites/labellises/")
    assert visitor.heading() == "Sites industriels labellisés"
    visitor.page.locator(".ti-map[data-loaded]").wait_for()
    shapes = visitor.page.locator(".ti-map path.sites-contour")
    assert shapes.count() == 1  # the labelled site, drawn as its contour
    # and as a circle at its centre, which a contour of a few hectares needs to be seen at the scale of France
    markers = visitor.page.locator(".ti-map path.sites-marker")
    assert markers.count() == 1
    # behind them, the territories of the current phase, which no click reaches
    assert visitor.page.locator(".ti-map path:not(.leaflet-interactive)").count() >= 1
    assert "contact@ain-industriel.fr" in visitor.text("#labelled")
    assert "disponible le 01/06/2027 (prévu)" in visitor.text("#labelled")
    visitor.check("sites labellisés")
    markers.first.click()
    visitor.page.locator(".leaflet-popup a", has_text="Zone Beta").click()
    visitor.page.wait_for_url("**/sites/site/01002_2/")
    assert visitor.heading() == "Zone Beta"
    visitor.close()

    assert [problem for problems in audited.values() for problem in problems] == []
