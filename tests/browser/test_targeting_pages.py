"""The diagnosis pages in a real browser (Playwright driving Debian's Chromium, headless), on the scored mini world.

ANCT opens the ranking: the choropleth is drawn with the server's colours; switching the map's indicator redraws it
with the new legend; the table leads to a territory's diagnosis (score, contributions, sparklines drawn as SVG); the
EPCI diagnosis, the method page, the alerts page and the EPCI candidates to join the map follow. Every page goes
through axe-core: no violation of impact « serious » or « critical ». Screenshots are written to
docs/screenshots/ciblage_*.png.
"""

import pytest

from pilote.core.enums import Role

from ..targeting import scored
from .support import SCREENSHOTS, Visit, person

pytestmark = pytest.mark.browser


@pytest.fixture
def world(mini_world, transactional_db):
    anct = person("anct.ciblage", Role.NATIONAL)
    # every EPCI outside a phase is a candidate (a top share of 100 %): CA Beta is, outside phase 2018-2022
    scored.alerts(scored.scoring(scored.method_version(thresholds={"candidate_top_share": 1.0})))
    return anct


def fills(page) -> list[str]:
    """Fill colours of the main map's shapes, once the GeoJSON is drawn."""
    page.locator("#ti-map[data-loaded]").wait_for()
    return sorted(
        page.locator("#ti-map path.leaflet-interactive").evaluate_all("(ps) => ps.map((p) => p.getAttribute('fill'))")
    )


def test_anct_reads_the_ranking_switches_the_map_and_opens_a_diagnosis(browser, live_server, world):
    audited: dict[str, list[str]] = {}
    SCREENSHOTS.mkdir(exist_ok=True)
    anct = Visit(browser, live_server.url, audited)
    anct.sign_in("anct.ciblage")

    anct.goto("/ciblage/")
    assert anct.heading() == "Classement des territoires"
    assert fills(anct.page) == ["#bd0026", "#ffffb2"]  # ti-8401 the most fragile: the darkest class
    assert "Score de fragilité" in anct.text("#map-legend")
    anct.check("classement")

    anct.page.get_by_label("Indicateur cartographié").select_option(label="Taux de pauvreté")
    anct.page.get_by_role("button", name="Afficher").click()
    anct.page.wait_for_url("**indicateur=pauvrete**")
    assert fills(anct.page) == ["#bd0026", "#ffffb2"]
    assert "Taux de pauvreté" in anct.text("#map-legend")
    assert "15,5" in anct.text("#ranking")
    anct.check("classement, pauvreté")
    anct.page.screenshot(path=str(SCREENSHOTS / "ciblage_classement.png"), full_page=True)

    anct.page.get_by_role("link", name="Ain industriel").click()
    anct.page.locator("#diagnostic").wait_for()
    assert anct.heading() == "Ain industriel"
    assert anct.text("#diagnostic-score") == "71,5"
    assert anct.page.locator("#diagnostic svg[role=img]").count() == 1  # unemployment: four quarters
    assert anct.page.locator("#diagnostic svg.tg-bar").count() == 2
    anct.check("diagnostic du territoire")
    anct.page.locator("#diagnostic").screenshot(path=str(SCREENSHOTS / "ciblage_diagnostic.png"))

    for name, path in [
        ("EPCI", "/ciblage/epci/200000001/"),
        ("méthode", "/ciblage/methode/"),
        ("classement EPCI", "/ciblage/?niveau=epci"),
        ("alertes", "/ciblage/alertes/"),
    ]:
        anct.goto(path)
        anct.check(name)
    assert "CC Gamma" in anct.text("#alerts")

    anct.goto("/ciblage/candidats/?phase=2018-2022")
    assert anct.heading() == "Candidats à rejoindre la carte"
    assert "CA Beta" in anct.text("#candidates") and "Jura Zeta" in anct.text("#candidates")
    anct.check("candidats")
    anct.page.screenshot(path=str(SCREENSHOTS / "ciblage_candidats.png"), full_page=True)
    anct.close()

    failures = [line for lines in audited.values() for line in lines]
    assert not failures, "\n".join(failures)
