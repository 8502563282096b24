"""The public pages of the sites: the pool and its filters, a site's facts (« inconnu » is not « non »), the labelled
sites with their key facts, their exports, and constant query counts."""

import io
import json

import pytest
from openpyxl import load_workbook

from pilote.sites.enums import LabelState
from pilote.sites.models import Site
from tests.sites.public_world import build_pool, fact, label_beta, make_site


@pytest.fixture
def pool(mini_world):
    return build_pool()


@pytest.fixture
def labelled(pool):
    return label_beta(pool)


def test_pool_lists_best_score_first_with_region_and_area(client, pool):
    response = client.get("/sites/")
    assert response.status_code == 200
    names = [s.name for s, *_ in response.context["rows"]]
    assert names == ["Zone Beta", "Ancienne usine Alpha", "Friche du Jura"]  # unscored last
    html = response.content.decode()
    assert "Auvergne-Rhône-Alpes" in html
    assert "75,0" in html and "50 %" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=27", ["Friche du Jura"]),
        ("nature=zone_plot", ["Zone Beta"]),
        ("etat=labellise", ["Zone Beta"]),
        ("score_min=50", ["Zone Beta"]),
        ("tri=nom", ["Ancienne usine Alpha", "Friche du Jura", "Zone Beta"]),
    ],
)
def test_pool_filters(client, pool, query, expected):
    response = client.get(f"/sites/?{query}")
    assert [s.name for s, *_ in response.context["rows"]] == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=99", "Région inconnue : 99."),
        ("nature=chateau", "Nature de site inconnue : chateau."),
        ("etat=parti", "État de labellisation inconnu : parti."),
        ("score_min=beaucoup", "Le score minimal doit être un nombre."),
        ("tri=hasard", "Tri inconnu : hasard."),
    ],
)
def test_bad_filters_are_refused_in_french(client, pool, query, message):
    response = client.get(f"/sites/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(response.context["rows"]) == []


def test_pool_page_has_a_constant_number_of_queries(client, pool, django_assert_num_queries):
    client.get("/sites/")  # sessions, content types… warmed
    with django_assert_num_queries(7):  # regions, method, count, page, commune names; the layout: 2
        client.get("/sites/")
    for n in range(10):
        make_site(f"01003_{n}", commune="01003")
    with django_assert_num_queries(7):
        client.get("/sites/")


def test_site_page_shows_each_fact_with_source_and_date_and_unknown_as_inconnu(client, pool):
    response = client.get("/sites/site/01001_1/")
    assert response.status_code == 200
    facts = {f.label: (f.value, f.source, f.date) for f in response.context["facts"]}
    assert facts["pollution connue"] == ("inconnu", "Cartofriches (Cerema)", "10/03/2024")
    assert facts["zonage d'urbanisme"] == ("U", "Cartofriches (Cerema)", "10/03/2024")
    html = response.content.decode()
    assert "<em>inconnu</em>" in html
    assert "Ain industriel" in html


def test_a_fact_known_to_be_false_reads_non_and_an_added_fact_wins(client, pool):
    facts = {f.label: f for f in client.get("/sites/site/01002_2/").context["facts"]}
    assert facts["pollution connue"].value == "non"
    assert (facts["zonage d'urbanisme"].value, facts["zonage d'urbanisme"].is_added) == ("AUx", True)
    assert facts["zonage d'urbanisme"].source == "Équipe Ain industriel"


def test_measures_are_grouped_by_thousands_and_years_are_not(client, pool):
    Site.objects.filter(identifier="01001_1").update(
        facts={"land_unit_area_m2": fact(6_286_741.21), "activity_end_year": fact(2008), "rail_distance_m": fact(949.0)}
    )
    facts = {f.key: f.value for f in client.get("/sites/site/01001_1/").context["facts"]}
    assert facts["land_unit_area_m2"] == "6\u202f286\u202f741,21"
    assert (facts["activity_end_year"], facts["rail_distance_m"]) == ("2008", "949")


def test_unknown_site_is_404(client, pool):
    assert client.get("/sites/site/inconnu/").status_code == 404


def test_site_page_has_a_constant_number_of_queries(client, pool, django_assert_num_queries):
    client.get("/sites/site/01001_1/")
    # method, site with its score, phases, territory, binôme, commune, regions; the layout: 2; the ZAN block: the
    # territory with its phase, its NAF account, its sites (tests/sites/test_site_zan.py)
    with django_assert_num_queries(12):
        client.get("/sites/site/01001_1/")


def test_labelled_sites_show_only_labelled_ones_with_key_facts(client, labelled):
    response = client.get("/sites/labellises/")
    rows = response.context["rows"]
    assert [r.site.identifier for r in rows] == ["01002_2"]
    row = rows[0]
    assert (row.area_ha, row.availability, row.networks) == (
        2.0,
        "disponible le 01/06/2027 (prévu)",
        "eau, électricité, fibre",
    )
    assert (row.place.territory_name, row.place.contact) == ("Ain industriel", "contact@ain-industriel.fr")
    html = response.content.decode()
    assert 'id="labelled-sites"' in html and "sites/labelled_map.js" in html
    assert 'data-background="/carte/2023-2027.geojson"' in html  # the territories of the current phase, behind


def test_labelled_page_has_a_constant_number_of_queries(client, labelled, django_assert_num_queries):
    client.get("/sites/labellises/")
    # sites, milestones, communes, regions, phases, territories, binômes; the layout: 2
    with django_assert_num_queries(9):
        client.get("/sites/labellises/")
    for n in range(5):
        make_site(f"01004_{n}", commune="01004", state=LabelState.LABELLED)
    with django_assert_num_queries(9):
        assert len(client.get("/sites/labellises/").context["rows"]) == 6


def test_labelled_exports_csv_xlsx_geojson_agree(client, labelled):
    csv = client.get("/sites/labellises.csv").content.decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Identifiant;Nom;Nature")
    assert csv[1].startswith("01002_2;Zone Beta;terrain de zone d'activités;01002;Beta-Gamma")
    assert len(csv) == 2
    book = load_workbook(io.BytesIO(client.get("/sites/labellises.xlsx").content))
    sheet = book["Sites labellisés"]
    assert [c.value for c in sheet[2]][:2] == ["01002_2", "Zone Beta"]
    assert sheet.cell(2, 11).value == 2.0  # surface in ha stays a number
    geojson = json.loads(client.get("/sites/labellises.geojson").content)
    [feature] = geojson["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [5.2, 46.2]}
    assert feature["properties"]["Contact du territoire"] == "contact@ain-industriel.fr"
    assert feature["properties"]["url"] == "/sites/site/01002_2/"


def test_a_site_with_a_polygon_is_its_polygon_on_the_map(client, labelled):
    square = {"type": "Polygon", "coordinates": [[[5, 46], [5.01, 46], [5.01, 46.01], [5, 46]]]}
    Site.objects.filter(pk=labelled.pk).update(polygon=json.dumps(square))
    feature = json.loads(client.get("/sites/labellises.geojson").content)["features"][0]
    assert feature["geometry"] == square


def test_menu_shows_sites(client, mini_world):
    html = client.get("/sites/").content.decode()
    assert 'href="/sites/"' in html and ">Sites<" in html
