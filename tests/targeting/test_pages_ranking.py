import pytest
from django.urls import reverse

from tests.targeting import scored
from tests.territories.growth import count_queries, grow

URL = reverse("targeting:ranking")


def _codes(response) -> list[str]:
    return [row.code for row in response.context["page"].object_list]


def test_ranking_without_a_computation_says_so(client, mini_world):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Aucun calcul disponible" in response.content.decode()


def test_ranking_lists_the_territories_of_the_current_phase_most_fragile_first(client, mini_world):
    scored.scoring()
    response = client.get(URL)
    html = response.content.decode()
    assert _codes(response) == ["ti-8401", "ti-2701"]
    assert "Ain industriel" in html and "Nouveau Jura" in html
    assert "1 à 2" in html  # the rank interval under perturbed weights
    assert response.context["page"].object_list[0].region_name == "Auvergne-Rhône-Alpes"


def test_ranking_filters_epci_by_region_and_joins_the_indicator(client, mini_world):
    scored.scoring()
    response = client.get(URL, {"niveau": "epci", "region": "84", "indicateur": "pauvrete"})
    rows = response.context["page"].object_list
    assert [r.code for r in rows] == ["200000001", "200000002"]
    assert (rows[0].value, rows[0].coverage) == (17.0, 0.5)
    assert rows[1].value is None  # no poverty figure for CA Beta: shown as a dash, never guessed
    assert response.context["result"].vintage == "2019"


@pytest.mark.parametrize(
    ("tri", "ordre", "expected"),
    [
        ("nom", "asc", ["200000002", "200000001", "200000003"]),  # CA Beta, CC Alpha, CC Gamma
        ("score", "asc", ["200000003", "200000002", "200000001"]),
        ("score", "desc", ["200000001", "200000002", "200000003"]),
        ("rang", "desc", ["200000003", "200000002", "200000001"]),
    ],
)
def test_ranking_sorts_on_the_server(client, mini_world, tri, ordre, expected):
    scored.scoring()
    assert _codes(client.get(URL, {"niveau": "epci", "tri": tri, "ordre": ordre})) == expected


def test_units_without_a_value_stay_last_in_both_directions(client, mini_world):
    scored.scoring()
    query = {"niveau": "epci", "indicateur": "pauvrete", "tri": "valeur"}
    assert _codes(client.get(URL, query | {"ordre": "desc"}))[-1] != "200000001"
    assert _codes(client.get(URL, query | {"ordre": "asc"}))[0] == "200000001"
    assert _codes(client.get(URL, query | {"ordre": "desc"}))[0] == "200000001"


def test_sort_links_keep_the_filters_and_flip_the_direction(client, mini_world):
    scored.scoring()
    response = client.get(URL, {"niveau": "epci", "region": "84", "tri": "score", "ordre": "desc"})
    score = next(c for c in response.context["columns"] if c.label == "Score")
    assert score.sort == "descending"
    assert "niveau=epci" in score.url and "region=84" in score.url and "ordre=asc" in score.url


def test_a_bad_filter_is_a_french_error_not_a_500(client, mini_world):
    scored.scoring()
    response = client.get(URL, {"niveau": "1900-1901", "indicateur": "inconnu"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_choropleth_geojson_has_values_and_colours_of_the_legend(client, mini_world):
    scored.scoring()
    response = client.get(reverse("targeting:ranking_geojson"), {"indicateur": "chomage"})
    data = response.json()
    features = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(features) == {"ti-8401", "ti-2701"}
    assert features["ti-8401"]["value"] == 8.1
    assert features["ti-8401"]["colour"] == "#bd0026"  # the highest unemployment: the darkest class
    assert features["ti-2701"]["colour"] == "#ffffb2"
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])


def test_choropleth_of_epci_derives_their_contours(client, mini_world):
    scored.scoring()
    data = client.get(reverse("targeting:ranking_geojson"), {"niveau": "epci"}).json()
    assert {f["properties"]["code"] for f in data["features"]} == {"200000001", "200000002", "200000003"}
    assert {f["properties"]["region"] for f in data["features"]} == {"84", "27"}


def test_choropleth_refuses_bad_parameters_in_french(client, mini_world):
    response = client.get(reverse("targeting:ranking_geojson"), {"niveau": "zzz"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Paramètres invalides"


def test_ranking_exports_csv_and_xlsx(client, mini_world):
    scored.scoring()
    csv = client.get(reverse("targeting:ranking_export", args=["csv"]), {"niveau": "epci", "indicateur": "pauvrete"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code;nom;région;score;rang national")
    assert lines[1] == "200000001;CC Alpha;Auvergne-Rhône-Alpes;80,0;1;1;1;1;17,0;0,5"
    xlsx = client.get(reverse("targeting:ranking_export", args=["xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_ranking_queries_do_not_grow_with_units(client, mini_world, django_assert_max_num_queries):
    scored.scoring()
    url = URL + "?indicateur=chomage&tri=nom"
    before = count_queries(client, url)
    grow()
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_filters_show_the_choices_the_page_applied(client, mini_world):
    scored.scoring()
    html = client.get(URL).content.decode()
    assert '<option value="2023-2027" selected>' in html
    assert '<option value="indice-fragilite-v1" selected>' in html


def test_a_version_published_but_not_computed_leaves_the_pages_on_the_last_computed_one(client, mini_world):
    scored.scoring()
    scored.method_version(2)
    response = client.get(URL)
    assert response.context["version"].number == 1
    assert _codes(response) == ["ti-8401", "ti-2701"]
    assert "Aucun calcul disponible" in client.get(URL, {"version": "indice-fragilite-v2"}).content.decode()
