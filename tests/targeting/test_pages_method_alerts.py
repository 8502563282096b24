from django.urls import reverse

from pilote.targeting.enums import AlertStatus
from pilote.targeting.models import Alert, MethodVersion
from tests.targeting import scored

METHOD = reverse("targeting:method")
ALERTS = reverse("targeting:alerts")


def test_method_page_says_when_no_method_is_published(client, mini_world):
    assert "Aucun calcul disponible" in client.get(METHOD).content.decode()


def test_method_page_shows_each_indicator_with_source_weight_direction_and_vintage(client, mini_world):
    scored.scoring()
    response = client.get(METHOD)
    lines = {line.indicator.code: line for line in response.context["lines"]}
    assert round(lines["chomage"].share) == 67 and round(lines["pauvrete"].share) == 33
    assert lines["population_evol_5a"].weight is None  # in the catalogue, not in the index
    assert lines["chomage"].vintage == "2023-T3"
    html = response.content.decode()
    assert "plus c&#x27;est élevé, plus c&#x27;est défavorable" in html
    assert "hors de l'indice" in html
    assert "Version 1 de test" in html  # the version history with its notes


def test_method_page_names_the_shock_thresholds_in_french(client, mini_world):
    scored.scoring()
    items = client.get(METHOD).context["thresholds"]
    assert ("Alerte chômage : sur combien de trimestres", 4) in items  # the documented default
    assert len(items) == 6
    html = client.get(METHOD).content.decode()
    assert "unemployment_quarters" not in html and "Alerte emploi industriel : baisse sur un an, en %" in html


def test_method_page_compares_two_versions_who_moves_up_and_down(client, mini_world):
    scored.scoring()
    scored.scoring(scored.method_version(2, weights=(("pauvrete", 1.0),)), reverse=True)
    response = client.get(METHOD, {"a": "indice-fragilite-v1", "b": "indice-fragilite-v2"})
    up = [(m.code, m.places) for m in response.context["up"]]
    down = [(m.code, m.places) for m in response.context["down"]]
    assert up == [("200000003", 2), ("ti-2701", 1)]
    assert down == [("200000001", -2), ("ti-8401", -1)]
    assert "CC Gamma" in response.content.decode()
    csv = client.get(
        reverse("targeting:comparison_export", args=["csv"]), {"a": "indice-fragilite-v1", "b": "indice-fragilite-v2"}
    )
    assert "epci;;200000003;CC Gamma;3;1;2" in csv.content.decode("utf-8-sig")


def test_method_export_lists_the_catalogue(client, mini_world):
    scored.scoring()
    lines = client.get(reverse("targeting:method_export", args=["csv"])).content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("chomage;Taux de chômage localisé;%;plus c'est élevé, plus c'est défavorable;")
    assert len(lines) == 4


def test_alerts_follow_the_scope_of_the_reviewer(client, people):
    scored.alerts(scored.scoring())
    client.force_login(people["region27"])
    rows = client.get(ALERTS).context["rows"]
    assert [(r.name, r.alert.kind) for r in rows] == [("CC Gamma", "industrial_employment_fall")]
    client.force_login(people["dep01"])  # the Ain is in région 84
    assert [r.name for r in client.get(ALERTS).context["rows"]] == ["Ain industriel"]
    client.force_login(people["anct"])
    assert len(client.get(ALERTS).context["rows"]) == 2


def test_alerts_show_their_evidence_in_french(client, people):
    scored.alerts(scored.scoring())
    client.force_login(people["anct"])
    html = client.get(ALERTS).content.decode()
    assert "évolution en France : 0,3" in html
    assert "hausse du chômage plus rapide qu&#x27;en France" in html


def test_alerts_are_refused_to_teams_and_operators(client, people):
    for who in ("team", "operator", "nobody"):
        client.force_login(people[who])
        assert client.get(ALERTS).status_code == 403


def test_alert_actions_come_from_the_registry(client, people, monkeypatch):
    """An app offers what to do with an alert (budget: the designation) through AppConfig.alert_actions."""
    scored.alerts(scored.scoring())
    seen = []

    def designate(alert, user):
        seen.append(user.pk)
        if alert.status == AlertStatus.OPEN and alert.level == "territory":
            return {"label": "Désigner Rebond industriel", "url": f"/budget/alerte/{alert.pk}/"}
        return None

    monkeypatch.setattr("pilote.core.registry.alert_actions", lambda: [designate])
    client.force_login(people["anct"])
    html = client.get(ALERTS).content.decode()
    assert html.count("Désigner Rebond industriel") == 1
    assert seen == [people["anct"].pk] * 2


def test_alerts_export(client, people):
    scored.alerts(scored.scoring())
    client.force_login(people["region84"])
    lines = client.get(reverse("targeting:alerts_export", args=["csv"])).content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Territoire d'industrie;2023-2027;ti-8401;Ain industriel;Auvergne-Rhône-Alpes;")


def test_alerts_without_a_computation_say_so(client, people):
    client.force_login(people["anct"])
    assert "Aucun calcul disponible" in client.get(ALERTS).content.decode()


def test_the_ranking_links_to_the_alerts_for_whom_may_see_them(client, people):
    assert 'id="alerts-link"' not in client.get(reverse("targeting:ranking")).content.decode()
    client.force_login(people["region84"])
    assert 'id="alerts-link"' in client.get(reverse("targeting:ranking")).content.decode()


def test_alerts_and_method_queries_do_not_grow_with_rows(client, people):
    from tests.territories.growth import count_queries

    scoring = scored.scoring()
    scored.alerts(scoring)
    client.force_login(people["anct"])
    client.get(ALERTS)  # the first request of a session reads it once more
    before = count_queries(client, ALERTS), count_queries(client, METHOD)
    for code in ("200000001", "200000002"):
        Alert.objects.create(
            scoring=scoring, level="epci", code=code, region_code="84", kind="unemployment_rise", period="2023-T3"
        )
    scored.indicators()  # the catalogue is read once, whatever its size
    scored.method_version(2)
    assert (count_queries(client, ALERTS), count_queries(client, METHOD)) == before


def test_method_page_names_each_shock_threshold_in_french(client, mini_world):
    scoring = scored.scoring()
    thresholds = {"unemployment_rise_points": 1.5, "candidate_top_share": 0.2, "min_jobs": 200}
    MethodVersion.objects.filter(pk=scoring.method_version_id).update(thresholds=thresholds)  # published: no save()
    html = client.get(METHOD).content.decode()
    block = html.split('id="method-thresholds">')[1].split("</ul>")[0]
    assert [line.replace("&#x27;", "'").strip() for line in block.split("<li>")[1:]] == [
        "Alerte chômage : hausse de plus que la France, en points : 1,5</li>",
        "Alerte chômage : sur combien de trimestres : 4</li>",
        "Alerte emploi industriel : baisse sur un an, en % : 5,0</li>",
        "Alerte emploi salarié : baisse sur un an, en % : 3,0</li>",
        "Alertes emploi : effectif minimal l'année précédente : 200</li>",
        "Candidats : part des EPCI les plus fragiles retenue (0 à 1) : 0,2</li>",
    ]  # the version's own, the defaults for the others, in the order of the method form
    assert "unemployment_rise_points" not in html
