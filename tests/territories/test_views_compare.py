import csv
import io

from django.urls import reverse

from .growth import count_queries, grow


def test_compare_shows_communes_staying_leaving_and_entering(client, mini_world):
    response = client.get(reverse("territories:compare"))
    html = response.content.decode()
    summary = response.context["s"]
    # phase 1: 01001, 01002 (+01003 merged into it), 39002; phase 2 adds 01004 and 39001
    assert (summary["communes_staying"], summary["communes_leaving"], summary["communes_entering"]) == (3, 0, 2)
    assert summary["population_staying"] == 110 + 520 + 610
    assert summary["population_entering"] == 420 + 510
    assert '<td class="ti-num">1\xa0240</td>' in html
    new = {e.code: e for e in response.context["comparison"].new_territories}
    assert [(o.code, o.communes) for o in new["ti-8401"].overlaps] == [("ti-8401", 2)]
    assert new["ti-8401"].communes_outside == 2
    assert reverse("territories:detail", args=["2018-2022", "ti-2701"]) in html
    assert "31/12/2022" not in html and "13/10/2020" in html  # the old phase's only state in the mini world


def test_compare_reverses_the_phases(client, mini_world):
    response = client.get(reverse("territories:compare"), {"ancienne": "2023-2027", "nouvelle": "2018-2022"})
    assert response.context["s"]["communes_leaving"] == 2
    assert response.context["s"]["communes_entering"] == 0


def test_compare_with_bad_parameters_shows_form_errors(client, mini_world):
    url = reverse("territories:compare")
    for params, error in (
        ({"ancienne": "1990-1995"}, "fr-error-text"),
        ({"millesime": "2020"}, "fr-error-text"),  # no perimeter resolved on 2020: a page never resolves one
        ({"millesime": "abc"}, "fr-error-text"),
        ({"etat_ancien": "2021-01-01"}, "fr-error-text"),
        ({"ancienne": "2023-2027", "nouvelle": "2023-2027"}, "deux phases différentes"),
    ):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert response.context["comparison"] is None
        assert error in response.content.decode(), params


def test_compare_csv_lists_every_transition_with_a_bom(client, mini_world):
    response = client.get(reverse("territories:compare_csv"), {"etat_ancien": "2020-10-13"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "evolution_2018-2022_2023-2027_cog2026.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["code_2018-2022", "nom_2018-2022", "code_2023-2027", "nom_2023-2027", "communes", "population"]
    assert sorted(rows[1:]) == [
        ["", "", "ti-8401", "Ain industriel", "2", "930"],
        ["ti-2701", "Jura Zeta", "ti-2701", "Nouveau Jura", "1", "610"],
        ["ti-8401", "Alpha-Beta", "ti-8401", "Ain industriel", "2", "630"],
    ]


def test_compare_csv_with_bad_parameters_is_a_400(client, mini_world):
    response = client.get(reverse("territories:compare_csv"), {"nouvelle": "2099-2100"})
    assert response.status_code == 400
    assert "Paramètres invalides" in response.content.decode()


def test_compare_queries_do_not_grow_with_data(client, mini_world):
    url = reverse("territories:compare")
    before = count_queries(client, url)
    grow()
    assert count_queries(client, url) == before
