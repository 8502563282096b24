from django.urls import reverse

from pilote.targeting.diagnosis import sparkline
from tests.targeting import scored
from tests.territories.growth import count_queries

TERRITORY = reverse("territories:detail", args=["2023-2027", "ti-8401"])


def test_territory_page_says_when_no_diagnosis_was_computed(client, mini_world):
    html = client.get(TERRITORY).content.decode()
    assert 'id="diagnostic"' in html
    assert "Aucun calcul disponible" in html


def test_territory_page_shows_score_ranks_contributions_and_sources(client, mini_world):
    scored.scoring()
    response = client.get(TERRITORY)
    html = response.content.decode()
    diagnosis = next(s["diagnosis"] for s in response.context["sections"] if "diagnosis" in s)
    assert (diagnosis.score.score, diagnosis.score.rank_national) == (71.5, 1)
    assert diagnosis.region_name == "Auvergne-Rhône-Alpes"
    rows = {row.indicator.code: row for row in diagnosis.rows}
    assert (rows["chomage"].vintage, rows["chomage"].value, rows["chomage"].france_value) == ("2023-T3", 8.1, 7.4)
    assert rows["chomage"].region_value == 7.1
    assert rows["chomage"].bar == 200 and rows["pauvrete"].bar == round(26.5 * 200 / 45)  # widest = largest
    assert "entre 1 et 2 quand les poids varient" in html
    assert "INSEE, Filosofi 2019, millésime 2019." in html
    assert "réunissent 62 % de la population" in html  # Filosofi covers only some communes: said in words


def test_sparkline_draws_unit_region_and_france_on_one_scale_with_words(client, mini_world):
    line = sparkline({"unit": [("2023-T1", 5.0), ("2023-T2", 7.0)], "france": [("2023-T1", 6.0), ("2023-T2", 6.0)]}, 1)
    assert [entry["points"] for entry in line.lines] == ["0.0,40.0 160.0,0.0", "0.0,20.0 160.0,20.0"]
    assert line.text == "L'unité : de 5,0 (2023-T1) à 7,0 (2023-T2) ; France : de 6,0 (2023-T1) à 6,0 (2023-T2)."
    assert sparkline({"unit": [("2019", 1.0)]}, 1) is None  # one vintage: no line to draw


def test_territory_page_renders_sparklines_as_inline_svg_with_a_text_alternative(client, mini_world):
    scored.scoring()
    html = client.get(TERRITORY).content.decode()
    assert 'role="img"' in html
    assert 'aria-label="L&#x27;unité : de 7,0 (2022-T4) à 8,1 (2023-T3) ; sa région : de 6,8' in html


def test_epci_diagnosis_page(client, mini_world):
    scored.scoring()
    response = client.get(reverse("targeting:epci", args=["200000001"]))
    html = response.content.decode()
    assert "<h1>CC Alpha</h1>" in html
    assert 'id="diagnostic-score">80,0<' in html
    assert client.get(reverse("targeting:epci", args=["999999999"])).status_code == 404


def test_diagnosis_queries_do_not_grow_with_indicators_and_vintages(client, mini_world):
    scored.scoring()
    url = reverse("targeting:epci", args=["200000001"])
    before = count_queries(client, url)
    more = scored.indicators()["population_evol_5a"]
    computation = scored.computation()
    from pilote.targeting.models import UnitValue

    UnitValue.objects.bulk_create(
        UnitValue(computation=computation, indicator=more, vintage=str(y), level="epci", code="200000001", value=y)
        for y in range(2010, 2020)
    )
    assert count_queries(client, url) == before


def test_diagnosis_exports(client, mini_world):
    scored.scoring()
    csv = client.get(reverse("targeting:territory_export", args=["2023-2027", "ti-8401", "csv"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "code;indicateur;unité;millésime;valeur;couverture;région;France;contribution;source"
    assert lines[1].startswith("chomage;Taux de chômage localisé;%;2023-T3;8,1;1,0;7,1;7,4;45,0;")
    assert client.get(reverse("targeting:territory_export", args=["2023-2027", "ti-9999", "csv"])).status_code == 404
