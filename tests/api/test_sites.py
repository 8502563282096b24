"""The sites API by official codes: the pool filtered by région, département, EPCI, commune, territory and state; a
site with its facts (null: unknown); the labelled sites; French 4xx."""

import pytest

from tests.sites.public_world import build_pool, label_beta


@pytest.fixture
def pool(mini_world):
    return build_pool()


@pytest.fixture
def labelled(pool):
    return label_beta(pool)


@pytest.fixture
def get(client):
    def _get(url, status=200):
        response = client.get(url)
        assert response.status_code == status, response.content
        return response.json()

    return _get


def test_pool_best_score_first(get, pool):
    answer = get("/api/sites/")
    assert (answer["count"], answer["pages"], answer["method"]) == (3, 1, 1)
    assert [s["identifier"] for s in answer["results"]] == ["01002_2", "01001_1", "39002_3"]
    assert answer["results"][0]["score"] == 75.0
    assert answer["results"][2]["score"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=27", ["39002_3"]),
        ("departement=01", ["01002_2", "01001_1"]),
        ("commune=01002", ["01002_2"]),
        ("territoire=ti-2701", ["39002_3"]),
        ("phase=2023-2027&territoire=ti-8401", ["01002_2", "01001_1"]),
        ("etat=labellise", ["01002_2"]),
    ],
)
def test_pool_by_official_codes(get, pool, query, expected):
    assert [s["identifier"] for s in get(f"/api/sites/?{query}")["results"]] == expected


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("region=99", 404, "Région inconnue en 2026 : 99"),
        ("departement=98", 404, "Département inconnu en 2026 : 98"),
        ("epci=123456789", 404, "EPCI inconnu en 2026 : 123456789"),
        ("commune=99999", 404, "Commune inconnue en 2026 : 99999"),
        ("territoire=ti-9999", 404, "Territoire inconnu en phase 2023-2027 : ti-9999"),
        ("etat=parti", 404, "État de labellisation inconnu : parti"),
    ],
)
def test_unknown_codes_are_french_errors(get, pool, query, status, detail):
    assert get(f"/api/sites/?{query}", status=status)["detail"].startswith(detail)


def test_a_bad_page_is_422(get, pool):
    assert get("/api/sites/?page=0", status=422)["detail"]


def test_site_with_facts_unknown_as_null(get, pool):
    answer = get("/api/sites/01001_1")
    facts = {f["key"]: f for f in answer["facts"]}
    assert facts["pollution"]["value"] is None
    assert (facts["zoning"]["value"], facts["zoning"]["date"]) == ("U", "2024-03-10")
    assert answer["territories"] == {"2023-2027": "ti-8401"}
    beta = {f["key"]: f for f in get("/api/sites/01002_2")["facts"]}
    assert (beta["pollution_known"]["value"], beta["pollution_known"]["label"]) == (False, "pollution connue")


def test_unknown_site_is_404_in_french(get, pool):
    assert get("/api/sites/inconnu", status=404)["detail"] == "Site inconnu : inconnu"


def test_labelled_sites(get, labelled):
    [site] = get("/api/sites/labellises")
    assert (site["identifier"], site["territory"], site["contact"]) == (
        "01002_2",
        "ti-8401",
        "contact@ain-industriel.fr",
    )
    assert site["availability"] == "disponible le 01/06/2027 (prévu)"
