"""The public pages in a real browser, on the real data: the maps draw, a click opens a territory, figures show."""

import re

import pytest
from django.conf import settings

from pilote.territories.comparison import compare_phases
from pilote.territories.models import PerimeterVersion, Phase

pytestmark = [pytest.mark.browser, pytest.mark.realdata]

# Finds a point of the screen where the path itself is on top, so that the click is a real one.
POINT_ON_PATH = """path => {
    const box = path.getBoundingClientRect();
    for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
        const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
        if (document.elementFromPoint(x, y) === path) return {x, y};
    }
    return null;
}"""


def _map_codes(page) -> list[str]:
    return page.eval_on_selector_all(
        "#ti-map path.ti-territory",
        "paths => paths.map(p => [...p.classList].find(c => c.startsWith('ti-code-')).slice(8))",
    )


@pytest.fixture
def phase_two_count(django_db_blocker):
    with django_db_blocker.unblock():
        return len(PerimeterVersion.objects.state_of(Phase.objects.get(slug="2023-2027")))


def test_home_map_draws_every_territory_of_phase_two_once(live_site, page, phase_two_count):
    page.goto(live_site + "/")
    page.wait_for_selector("#ti-map[data-loaded]")
    codes = _map_codes(page)
    assert phase_two_count == 183
    assert len(codes) == len(set(codes)) == 183  # one SVG path per territory
    assert page.inner_text("#figure-territories") == "183"
    # the overseas insets draw their own territories (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte)
    for region in ("01", "02", "03", "04", "06"):
        assert page.locator(f'.ti-inset[data-region="{region}"] path.ti-territory').count() >= 1, region


def test_home_map_of_phase_one_draws_its_territories(live_site, page):
    page.goto(live_site + "/?phase=2018-2022")
    page.wait_for_selector("#ti-map[data-loaded]")
    codes = _map_codes(page)
    assert len(codes) == int(page.inner_text("#figure-territories")) > 140


def test_clicking_a_territory_on_the_map_opens_its_page(live_site, page):
    page.goto(live_site + "/")
    page.wait_for_selector("#ti-map[data-loaded]")
    path = page.locator("#ti-map path.ti-code-ti-8401")  # Ardèche Drôme Nord, well inside the mainland
    point = path.evaluate(POINT_ON_PATH)
    assert point, "no visible point of the territory on the map"
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/territoires/2023-2027/ti-8401/$"))
    assert page.inner_text("h1") == "Ardèche Drôme Nord"
    page.wait_for_selector("#ti-map[data-loaded]")
    assert page.locator("#ti-map path.ti-territory").count() == 1  # its own perimeter
    assert int(page.inner_text("#fact-communes").replace("\u202f", "").replace("\xa0", "")) > 100


def test_comparison_page_shows_communes_staying(live_site, page, django_db_blocker):
    with django_db_blocker.unblock():
        old, new = Phase.objects.get(slug="2018-2022"), Phase.objects.get(slug="2023-2027")
        latest = PerimeterVersion.objects.valid_dates(old)[-1]
        summary = compare_phases(old=old, new=new, edition=settings.DEFAULT_EDITION, old_on=latest).summary
    page.goto(live_site + "/evolution/")
    cells = page.locator("#summary-staying td").all_inner_texts()
    shown = [int(re.sub(r"\D", "", cell)) for cell in cells]
    assert shown == [summary["communes_staying"], summary["population_staying"]]
    assert summary["communes_staying"] > 10_000
    assert page.locator("#new-territories tbody tr").count() == summary["territories_new_phase"]


def test_search_box_finds_a_commune_without_its_accents(live_site, page):
    page.goto(live_site + "/")
    page.fill("#home-search", "saint etienne")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q=saint\+etienne"))
    page.click("#results-communes >> text=Saint-Étienne >> nth=0")
    page.wait_for_url(re.compile(r"/communes/\d[\dAB]\d{3}/$"))
    assert page.inner_text("h1").startswith("Saint-Étienne")
