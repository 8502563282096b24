"""The targeting API on the tiny France scored by tests/targeting/scored.py."""

import pytest

from pilote.targeting.enums import Level
from pilote.targeting.models import Dataset, SourceValue, Zone
from tests.targeting import scored


@pytest.fixture
def get(client):
    def _get(url, status=200):
        response = client.get(url)
        assert response.status_code == status, response.content
        return response.json()

    return _get


def test_indicators_catalogue(mini_world, get):
    scored.indicators()
    codes = [(i["code"], i["direction"]) for i in get("/api/ciblage/indicateurs")]
    assert codes == [
        ("chomage", "higher_is_worse"),
        ("pauvrete", "higher_is_worse"),
        ("population_evol_5a", "higher_is_better"),
    ]


def test_values_of_a_territory_with_vintages_and_coverage(mini_world, get):
    scored.scoring()
    answer = get("/api/ciblage/territoires/2023-2027/ti-8401/valeurs")
    assert answer["edition"] == 2026
    values = {(v["indicator"], v["vintage"]): (v["value"], v["coverage"]) for v in answer["values"]}
    assert values[("chomage", "2023-T3")] == (8.1, 1.0)
    assert values[("pauvrete", "2019")] == (15.5, 0.62)
    assert len(values) == 5


def test_values_of_an_epci(mini_world, get):
    scored.scoring()
    values = get("/api/ciblage/epci/200000001/valeurs")["values"]
    assert [v["value"] for v in values if v["indicator"] == "chomage"] == [8.0, 8.2, 8.6, 9.4]


def test_values_of_a_commune_and_a_zone_as_published_when_not_computed(mini_world, get):
    catalogue = scored.indicators()
    dataset = Dataset.objects.create(source="fichier", file_name="test.xlsx", sha256="0" * 64, geography_year=2023)
    Zone.objects.create(code="8401", name="Zone de Bourg", region_code="84")
    SourceValue.objects.create(
        dataset=dataset,
        indicator=catalogue["chomage"],
        vintage="2023-T3",
        level=Level.ZONE_EMPLOI,
        code="8401",
        value=7.3,
    )
    SourceValue.objects.create(
        dataset=dataset, indicator=catalogue["pauvrete"], vintage="2019", level=Level.COMMUNE, code="01001", value=12.0
    )
    zone = get("/api/ciblage/zones-emploi/8401/valeurs")
    assert (zone["computation_id"], zone["values"]) == (
        None,
        [{"indicator": "chomage", "vintage": "2023-T3", "value": 7.3, "coverage": None}],
    )
    assert get("/api/ciblage/communes/01001/valeurs")["values"][0]["value"] == 12.0


def test_unknown_units_are_french_404(mini_world, get):
    assert get("/api/ciblage/communes/99999/valeurs", 404)["detail"] == "Commune inconnue : 99999"
    assert get("/api/ciblage/epci/999999999/valeurs", 404)["detail"] == "EPCI inconnu en 2026 : 999999999"
    assert get("/api/ciblage/zones-emploi/9999/valeurs", 404)["detail"] == "Zone d'emploi inconnue : 9999"
    assert get("/api/ciblage/territoires/2023-2027/ti-9999/valeurs", 404)["detail"].startswith("Territoire inconnu")


def test_scores_of_a_method_version(mini_world, get):
    scored.scoring()
    answer = get("/api/ciblage/methodes/indice-fragilite/versions/1/scores?unites=epci&region=84")
    assert [(s["code"], s["rank_national"], s["rank_low"], s["rank_high"]) for s in answer["scores"]] == [
        ("200000001", 1, 1, 1),
        ("200000002", 2, 2, 3),
    ]
    territories = get("/api/ciblage/methodes/indice-fragilite/versions/1/scores?unites=2023-2027")["scores"]
    assert [(s["name"], s["score"]) for s in territories] == [("Ain industriel", 71.5), ("Nouveau Jura", 38.0)]


def test_scores_of_an_unknown_version_or_without_a_computation(mini_world, get):
    assert get("/api/ciblage/methodes/indice-fragilite/versions/9/scores", 404)["detail"] == (
        "Version publiée inconnue : indice-fragilite version 9"
    )
    scored.method_version(2)
    assert get("/api/ciblage/methodes/indice-fragilite/versions/2/scores", 404)["detail"] == (
        "Aucun calcul disponible pour indice-fragilite version 2"
    )
    assert get("/api/ciblage/methodes/indice-fragilite/versions/x/scores", 422)["detail"]


def test_alerts(mini_world, get):
    assert get("/api/ciblage/alertes") == []
    scored.alerts(scored.scoring())
    alerts = get("/api/ciblage/alertes?region=27")
    assert [(a["code"], a["kind"], a["evidence"], a["status"]) for a in alerts] == [
        ("200000003", "industrial_employment_fall", {"unit_change": -12.0}, "à examiner")
    ]


def test_openapi_describes_the_targeting_routes_in_french(mini_world, get):
    schema = get("/api/openapi.json")
    assert schema["paths"]["/api/ciblage/alertes"]["get"]["summary"] == "Alertes de choc industriel"


def test_candidates_outside_a_phase_with_their_nearest_territory(mini_world, get):
    scored.scoring(scored.method_version(thresholds={"candidate_top_share": 1.0}))
    answer = get("/api/ciblage/candidats?phase=2018-2022")
    assert (answer["method"], answer["version"], answer["phase"], answer["top_share"]) == (
        "indice-fragilite",
        1,
        "2018-2022",
        1.0,
    )
    [beta] = answer["candidates"]
    assert (beta["siren"], beta["name"], beta["region"], beta["score"], beta["rank_national"]) == (
        "200000002",
        "CA Beta",
        "84",
        55.0,
        2,
    )
    assert (beta["nearest"]["phase"], beta["nearest"]["code"], beta["nearest"]["name"]) == (
        "2018-2022",
        "ti-2701",
        "Jura Zeta",
    )
    assert beta["nearest"]["distance_km"] == pytest.approx(116.9, rel=0.02)
    assert get("/api/ciblage/candidats")["candidates"] == []  # the current phase holds every EPCI


def test_candidates_of_an_unknown_phase_or_without_a_computation(mini_world, get):
    assert get("/api/ciblage/candidats", 404)["detail"] == "Aucun calcul de l'indice de fragilité disponible"
    scored.scoring()
    assert get("/api/ciblage/candidats?phase=1900-1901", 404)["detail"] == "Phase inconnue : 1900-1901"
