"""The ZAN block of a site's page: what building on it would consume of natural, agricultural or forest land (the
one rule, `zan.naf_impact`), why, from which source, and — when the Cerema file covers its territory — the line of
the territory's account (the territory section's `territory_trajectory`)."""

import html
import re

import pytest
from django.urls import reverse

from pilote.sites.enums import LabelState, SiteKind, SiteOrigin
from pilote.sites.models import NafConsumption, SiteImport

from .conftest import make_site

pytestmark = pytest.mark.django_db
AREA_FACT = {
    "value": 120_000,
    "source": "CNIG SITE-ECO / TERRAIN-ECO — Région Auvergne-Rhône-Alpes",
    "date": "2025-03-01",
}


def _block(client, site) -> str:
    page = html.unescape(client.get(reverse("sites:site", args=[site.identifier])).content.decode())
    return re.sub(r"\s+", " ", page.split('id="site-zan"')[1].split("</section>")[0])


def _zone_plot(identifier="Z-1", **fields):
    values = {"kind": SiteKind.ZONE_PLOT, "origin": SiteOrigin.SITE_ECO, "facts": {"area": AREA_FACT}}
    return make_site(identifier, **{**values, **fields})


def test_a_brownfield_consumes_no_naf_land_and_says_why(client, mini_world):
    block = _block(client, make_site())
    assert "<strong>Aucune consommation d'espaces naturels, agricoles et forestiers (NAF)</strong>" in block
    assert "le site est une friche : son sol est déjà artificialisé." in block
    assert "Source : Cartofriches (Cerema)." in block


def test_an_artificialised_plot_reads_the_source_of_that_fact(client, mini_world):
    fact = {"value": True, "source": "CNIG SITE-ECO / TERRAIN-ECO — Région", "date": "2025-02-01"}
    block = _block(client, _zone_plot(is_artificialised=True, facts={"brownfield": fact}))
    assert "Aucune consommation" in block and "le terrain est déjà artificialisé." in block
    assert "Source : CNIG SITE-ECO / TERRAIN-ECO — Région (01/02/2025)." in block


def test_a_greenfield_plot_would_consume_its_area(client, mini_world):
    block = _block(client, _zone_plot(is_artificialised=False))
    assert "<strong>Consommerait 12,00 ha d'espaces naturels, agricoles et forestiers (NAF)</strong>" in block
    assert "le terrain n'est pas artificialisé : sa surface serait consommée." in block
    assert "Source : CNIG SITE-ECO / TERRAIN-ECO — Région Auvergne-Rhône-Alpes (01/03/2025)." in block


def test_a_plot_not_known_to_be_artificialised_is_counted_prudently(client, mini_world):
    block = _block(client, _zone_plot(is_artificialised=None))
    assert "Consommerait 12,00 ha" in block
    assert "on ne sait pas si le terrain est déjà artificialisé : sa surface est comptée comme consommée." in block


def test_an_unknown_plot_of_unknown_area_reads_unknown_never_zero(client, mini_world):
    block = _block(client, _zone_plot(is_artificialised=None, area_m2=None, facts={}))
    assert "<strong>Consommation d'espaces naturels, agricoles et forestiers (NAF) inconnue</strong>" in block
    assert "Aucune consommation" not in block and "Consommerait" not in block
    assert "Source : fichier SITE-ECO / TERRAIN-ECO (CNIG)." in block  # no fact: the site's origin


def test_a_greenfield_plot_of_unknown_area_says_which_fact_is_missing(client, mini_world):
    block = _block(client, _zone_plot(is_artificialised=False, area_m2=None, facts={}))
    assert "(NAF) inconnue</strong> : le terrain n'est pas artificialisé mais sa surface est inconnue." in block


def _flows(code, year, total):
    source = SiteImport.objects.get_or_create(source="cerema_naf", sha256="x", defaults={"file_name": "f"})[0]
    NafConsumption.objects.create(commune_code=code, year=year, total_m2=total, activity_m2=0, source=source)


def test_without_the_cerema_file_the_territory_line_is_left_out(client, mini_world):
    assert 'id="site-zan-territory"' not in _block(client, _zone_plot(is_artificialised=False))


def test_with_the_cerema_file_the_territory_account_shows_what_its_sites_would_add(client, mini_world):
    _flows("01004", 2011, 200_000)
    _flows("01004", 2021, 30_000)
    site = _zone_plot(is_artificialised=False, state=LabelState.LABELLED)
    block = _block(client, site)
    line = block.split('id="site-zan-territory">')[1].split("</p>")[0]
    assert reverse("territories:detail", args=["2023-2027", "ti-8401"]) + "#zan" in line
    assert "20,0 ha consommés en 2011–2021, au plus 10,0 ha en 2021–2031, 3,0 ha consommés depuis 2021" in line
    assert "ses 1 site proposé ou retenu consommerait 12,0 ha — dépassement de 5,0 ha sur l'objectif." in line


def test_a_site_outside_the_territories_has_no_territory_line(client, mini_world):
    _flows("01004", 2011, 200_000)
    site = _zone_plot(is_artificialised=False, territories={})
    assert 'id="site-zan-territory"' not in _block(client, site)


@pytest.mark.parametrize("sites", [1, 5])
def test_the_site_page_costs_the_same_queries_whatever_the_territory_holds(
    client, mini_world, sites, django_assert_num_queries
):
    _flows("01004", 2011, 200_000)
    for n in range(sites):
        _zone_plot(f"Z-{n}", is_artificialised=False, state=LabelState.PROPOSED)
    url = reverse("sites:site", args=["Z-0"])
    client.get(url)
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200


QUERIES = 12  # the page's 9 (tests/sites/test_public.py), the territory, its NAF account and its sites
