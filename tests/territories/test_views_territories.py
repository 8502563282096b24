from django.urls import reverse

from pilote.territories.models import Territory

from .growth import add_version, count_queries, grow


def _codes(response):
    return [row.territory.code for row in response.context["rows"]]


def test_list_shows_the_current_phase_with_stored_figures(client, mini_world):
    response = client.get(reverse("territories:list"))
    rows = {row.territory.code: row for row in response.context["rows"]}
    assert set(rows) == {"ti-8401", "ti-2701"}
    assert (rows["ti-8401"].communes, rows["ti-8401"].population) == (4, 110 + 520 + 420 + 510)
    assert rows["ti-8401"].departements == ["01", "39"]
    assert "Ain industriel" in response.content.decode()


def test_list_filters_by_phase_departement_region_and_text(client, mini_world):
    url = reverse("territories:list")
    assert {r.territory.name for r in client.get(url, {"phase": "2018-2022"}).context["rows"]} == {
        "Alpha-Beta",
        "Jura Zeta",
    }
    assert _codes(client.get(url, {"departement": "01"})) == ["ti-8401"]
    assert _codes(client.get(url, {"region": "27"})) == ["ti-8401", "ti-2701"]  # ti-8401 reaches into the Jura
    assert _codes(client.get(url, {"q": "jura"})) == ["ti-2701"]
    assert _codes(client.get(url, {"q": "zzz"})) == []


def test_list_sorts_by_name_code_population_and_communes(client, mini_world):
    url = reverse("territories:list")
    assert _codes(client.get(url, {"tri": "nom"})) == ["ti-8401", "ti-2701"]  # Ain… before Nouveau…
    assert _codes(client.get(url, {"tri": "code"})) == ["ti-2701", "ti-8401"]
    assert _codes(client.get(url, {"tri": "population"})) == ["ti-8401", "ti-2701"]
    assert _codes(client.get(url, {"tri": "communes"})) == ["ti-8401", "ti-2701"]


def test_list_with_a_bad_filter_shows_a_form_error(client, mini_world):
    response = client.get(reverse("territories:list"), {"region": "99"})
    assert response.status_code == 200
    assert "fr-error-text" in response.content.decode()
    assert len(response.context["rows"]) == 2


def test_list_queries_do_not_grow_with_data(client, mini_world, django_assert_max_num_queries):
    url = reverse("territories:list") + "?tri=population"
    before = count_queries(client, url)
    grow()
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(10):
        client.get(url)


def test_detail_shows_figures_members_coverage_and_versions(client, mini_world):
    response = client.get(reverse("territories:detail", args=["2023-2027", "ti-8401"]))
    html = response.content.decode()
    assert "<h1>Ain industriel</h1>" in html
    assert [e.siren for e in response.context["member_epcis"]] == ["200000002", "200000001"]
    assert reverse("territories:epci", args=["200000001"]) + "?millesime=2023" in html
    assert "Communauté d&#x27;agglomération" in html
    assert [c.code for c in response.context["communes"]] == ["01001", "01002", "01004", "39001"]
    assert [d for d in response.context["departements"]] == [("01", "Ain"), ("39", "Jura")]
    assert "Bourgogne-Franche-Comté" in html
    full = {item["row"].siren: item["row"].is_full for item in response.context["covered_epcis"]}
    assert full == {"200000001": True, "200000002": True}
    # squares x = 0..2 (CC Alpha) and x = 3..5 (CA Beta): two parts
    assert '<script id="territory-geometry" type="application/json">{"type": "MultiPolygon"' in html
    assert [v.number for v in response.context["versions"]] == [1]
    assert 'id="withdrawn"' not in html


def test_detail_of_phase_one_lists_commune_members_and_partial_epci(client, mini_world):
    response = client.get(reverse("territories:detail", args=["2018-2022", "ti-2701"]))
    assert [c.code for c in response.context["member_communes"]] == ["39002"]
    assert "Jura Zeta" in response.content.decode()
    response = client.get(reverse("territories:detail", args=["2018-2022", "ti-8401"]))
    covered = {i["row"].siren: (i["row"].covered, i["row"].total) for i in response.context["covered_epcis"]}
    assert covered == {"200000001": (2, 2)}


def test_detail_lists_every_version_newest_first_and_notes_a_withdrawal(client, mini_world):
    territory = Territory.objects.get(phase__slug="2023-2027", code="ti-2701")
    add_version(territory, epcis=["200000002", "200000003"])
    Territory.objects.filter(pk=territory.pk).update(withdrawn_on="2025-06-30")
    response = client.get(reverse("territories:detail", args=["2023-2027", "ti-2701"]))
    html = response.content.decode()
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert response.context["resolution"].communes_count == 3  # the latest version: CA Beta + CC Gamma
    assert 'id="withdrawn"' in html and "30 juin 2025" in html


def test_detail_of_unknown_code_or_phase_is_a_french_404(client, mini_world):
    for args in (["2023-2027", "ti-9999"], ["2030-2034", "ti-8401"], ["2023-2027", "nimporte"]):
        response = client.get(reverse("territories:detail", args=args))
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


def test_detail_queries_do_not_grow_with_data(client, mini_world, django_assert_max_num_queries):
    url = reverse("territories:detail", args=["2023-2027", "ti-8401"])
    before = count_queries(client, url)
    grow()  # a second version of ti-8401 with three EPCI, and two more territories
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(22):  # 12, 2 for the programme's money, 6 for the diagnosis, 2 for ZAN (sites)
        client.get(url)
