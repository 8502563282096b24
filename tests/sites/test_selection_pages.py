"""ANCT builds a selection through its form; the page explains each chosen site and near-miss; ANCT and Banque des
Territoires adopt it (one adopted selection at a time); two selections compare side by side; bad input is refused
in French with nothing written."""

import pytest
from django.urls import reverse

from pilote.core.models import AuditEvent
from pilote.sites import selection as solver
from pilote.sites.enums import LabelState
from pilote.sites.models import Selection, SelectionItem, Site

from .selection_world import bdt_person, scored_pool


@pytest.fixture
def method(mini_world):
    return scored_pool()


def build(client, people, version, **fields):
    client.force_login(people["anct"])
    data = {"name": "Sélection test", "method": version.pk, "objective": "score", "size": 2, **fields}
    return client.post(reverse("sites:selection_new"), data)


def test_anct_builds_a_selection_under_a_region_cap_and_strict_zan(client, people, method):
    response = build(client, people, method, region_max=1, naf_cap_ha="0", include_overseas="on")
    selection = Selection.objects.get()
    assert response.status_code == 302 and response.url == reverse("sites:selection", args=[selection.pk])
    chosen = set(
        SelectionItem.objects.filter(selection=selection, chosen=True).values_list("site__identifier", flat=True)
    )
    assert chosen == {"sel-a", "sel-d"}
    assert (selection.status, selection.exact_value, selection.constraints["naf_cap_m2"]) == ("optimal", 130, 0.0)
    assert AuditEvent.objects.filter(action="selection.create", object_id=str(selection.pk)).count() == 1


def test_the_greedy_gap_reads_to_the_hundredth_of_a_percent(client, people, method):
    build(client, people, method, region_max=1, naf_cap_ha="0", include_overseas="on")
    selection = Selection.objects.get()
    Selection.objects.filter(pk=selection.pk).update(explanation={**selection.explanation, "gap": 0.0034})
    html = client.get(reverse("sites:selection", args=[selection.pk])).content.decode()
    assert "Écart de l'heuristique gloutonne à l'optimum : 0,34 %." in html  # not « 0 % »


def test_the_page_says_why_each_site_is_in_or_out(client, people, method, django_assert_num_queries):
    build(client, people, method, region_max=1, naf_cap_ha="0", include_overseas="on")
    selection = Selection.objects.get()
    url = reverse("sites:selection", args=[selection.pk])
    client.get(url)  # warms the session and the user's roles
    # session, user, roles, selection, items, scores, régions, DSFR ×2, « À traiter » of campaigns and of the sites
    with django_assert_num_queries(11):
        page = client.get(url).content.decode()
    assert "1re meilleure valeur des sites éligibles" in page  # sel-a: « 1re », not « 1e »
    assert "sa région a déjà ses 1 site(s) au maximum" in page  # sel-b
    assert "consommerait 12,0 ha d&#x27;espaces NAF au-delà du plafond" in page  # sel-c


def test_conflicting_constraints_are_explained_in_french(client, people, method):
    build(client, people, method, size=4, region_max=1, include_overseas="on")
    selection = Selection.objects.get()
    page = client.get(reverse("sites:selection", args=[selection.pk])).content.decode()
    assert selection.status == "infeasible"
    assert "Avec 4 sites, le maximum de sites par région ne peut être respecté(e) à lui seul." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"forced_in": "inconnu-1"}, "Site(s) inconnu(s) : inconnu-1."),
        ({"region_min": 3, "region_max": 1}, "Le maximum par région est inférieur au minimum."),
        ({"forced_in": "sel-a", "forced_out": "sel-a"}, "Site(s) à la fois imposé(s) et écarté(s) : sel-a."),
        ({"size": 0}, "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ({"forced_in": "sel-unscored"}, "Site(s) non noté(s) par cette version de la méthode : sel-unscored."),
        ({"min_area_ha": "5", "max_area_ha": "1"}, "Le maximum de surface est inférieur au minimum."),
        ({"naf_cap_ha": "-1"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"method": "999999"}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_input_is_refused_with_nothing_written(client, people, method, fields, message):
    Site.objects.create(
        identifier="sel-unscored", name="Non noté", kind="brownfield", origin="proposal", latitude=46, longitude=5
    )
    response = build(client, people, method, **fields)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Selection.objects.exists()


def test_anct_then_banque_des_territoires_adopt_and_it_is_adopted(client, people, method):
    build(client, people, method, include_overseas="on")
    build(client, people, method, name="Autre", include_overseas="on")
    first, second = Selection.objects.order_by("pk")
    client.post(reverse("sites:selection_adopt", args=[first.pk]))
    client.post(reverse("sites:selection_adopt", args=[second.pk]))  # ANCT changes its mind
    client.force_login(bdt_person())
    client.post(reverse("sites:selection_adopt", args=[second.pk]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.adopted_by_anct, first.adopted_at) == (None, None)
    assert second.adopted_by_anct == people["anct"] and second.adopted_at is not None
    actions = list(AuditEvent.objects.filter(action__startswith="selection.").values_list("action", flat=True))
    assert sorted(actions).count("selection.adopt") == 3 and "selection.withdraw" in actions


def test_two_selections_compare_side_by_side(client, people, method):
    build(client, people, method, include_overseas="on")
    build(client, people, method, name="Stricte", naf_cap_ha="0", size=2, region_max=1, include_overseas="on")
    first, second = Selection.objects.order_by("pk")
    page = client.get(reverse("sites:selection_compare"), {"a": first.pk, "b": second.pk}).content.decode()
    # first: a (90) + b (80); second: a + d.
    assert "Sites des deux sélections (1)" in page
    assert "Seulement dans « Sélection test » (1)" in page and "Site B (sel-b)" in page
    assert "Seulement dans « Stricte » (1)" in page and "Site D (sel-d)" in page


def test_operators_and_territory_teams_cannot_see_selections(client, people, method):
    for person in (people["operator"], people["team"]):
        client.force_login(person)
        assert client.get(reverse("sites:selections")).status_code == 403


def test_the_demo_seed_computes_one_selection_once(people, method):
    from pilote.core.models import User
    from pilote.sites.demo import DEMO_SELECTION, sselect

    User.objects.filter(pk=people["anct"].pk).update(username="demo-anct")
    lines = []
    assert (sselect(log=lines.append), sselect(log=lines.append)) == (1, 0)
    selection = Selection.objects.get(name=DEMO_SELECTION)
    # Strict ZAN keeps the greenfield sel-c out: the 4 brownfields of the pool cannot make 50 sites.
    assert selection.status == "infeasible"
    assert lines[-1] == "Sélection de démonstration : déjà calculée, rien n'est écrit."


def test_the_pool_is_read_with_cost_phase_and_naf_of_each_site(people, method):
    Site.objects.filter(identifier="sel-a").update(
        territories={"2023-2027": "ti-8401"}, added_facts={"bdt_support": {"value": 250000, "source": "BdT"}}
    )
    pool = {c.identifier: c for c in solver.candidates(method)}
    assert (pool["sel-a"].cost, pool["sel-a"].in_phase, pool["sel-a"].naf_m2) == (250000.0, True, 0.0)
    assert (pool["sel-c"].cost, pool["sel-c"].in_phase, pool["sel-c"].naf_m2) == (None, False, 120000.0)


def test_the_list_shows_each_selection_in_constant_queries(client, people, method, django_assert_num_queries):
    build(client, people, method, include_overseas="on")
    build(client, people, method, name="Deuxième", include_overseas="on")
    client.get(reverse("sites:selections"))
    with django_assert_num_queries(8):  # session, user, roles, selections with their counts, DSFR ×2, À traiter ×2
        page = client.get(reverse("sites:selections")).content.decode()
    assert "Deuxième" in page and "2 / 2" in page and 'name="a"' in page


def test_a_selection_without_solution_cannot_be_adopted(client, people, method):
    build(client, people, method, size=4, region_max=1, include_overseas="on")
    selection = Selection.objects.get()
    response = client.post(reverse("sites:selection_adopt", args=[selection.pk]), follow=True)
    selection.refresh_from_db()
    assert "Une sélection sans solution ne peut pas être adoptée." in response.content.decode()
    assert (selection.adopted_by_anct, selection.adopted_at) == (None, None)


def adopted(client, people, method) -> Selection:
    """A selection of sel-a and sel-d (one per région, strict ZAN), adopted by ANCT then Banque des Territoires;
    the client is left signed in as ANCT."""
    build(client, people, method, region_max=1, naf_cap_ha="0", include_overseas="on")
    selection = Selection.objects.get()
    client.post(reverse("sites:selection_adopt", args=[selection.pk]))
    client.force_login(bdt_person())
    client.post(reverse("sites:selection_adopt", args=[selection.pk]))
    client.force_login(people["anct"])
    return selection


def test_anct_shortlists_the_chosen_sites_of_an_adopted_selection(client, people, method):
    selection = adopted(client, people, method)
    Site.objects.filter(identifier="sel-d").update(label_state=LabelState.LABELLED)
    url = reverse("sites:selection", args=[selection.pk])
    assert "Présélectionner les 1 site(s) retenu(s) pour la labellisation" in client.get(url).content.decode()
    response = client.post(reverse("sites:selection_shortlist", args=[selection.pk]), follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    states = dict(Site.objects.values_list("identifier", "label_state"))
    assert (states["sel-a"], states["sel-d"], states["sel-b"]) == ("preselectionne", "labellise", "pool")
    assert (
        "1 site(s) présélectionné(s) pour la labellisation ; 1 site(s) déjà engagé(s) dans la labellisation, "
        "laissé(s) en l'état." in page
    )
    assert "Les sites retenus sont engagés dans la labellisation." in page
    event = AuditEvent.objects.get(action="site.label.preselectionne")
    assert event.changes["comment"] == [None, "Retenu par la sélection adoptée « Sélection test »"]


def test_a_selection_not_adopted_by_both_shortlists_nothing(client, people, method):
    build(client, people, method, include_overseas="on")
    selection = Selection.objects.get()
    client.post(reverse("sites:selection_adopt", args=[selection.pk]))  # ANCT only
    response = client.post(reverse("sites:selection_shortlist", args=[selection.pk]), follow=True)
    assert "Seule une sélection adoptée par l&#x27;ANCT et la Banque des Territoires" in response.content.decode()
    assert set(Site.objects.values_list("label_state", flat=True)) == {LabelState.POOL}
    assert not AuditEvent.objects.filter(action__startswith="site.label").exists()


def test_banque_des_territoires_cannot_shortlist_for_anct(client, people, method):
    selection = adopted(client, people, method)
    client.force_login(bdt_person())
    assert "Présélectionner les" not in client.get(reverse("sites:selection", args=[selection.pk])).content.decode()
    assert client.post(reverse("sites:selection_shortlist", args=[selection.pk])).status_code == 403
    assert set(Site.objects.values_list("label_state", flat=True)) == {LabelState.POOL}


def test_each_site_of_a_selection_links_to_its_score_and_its_labelling(client, people, method):
    build(client, people, method, region_max=1, naf_cap_ha="0", include_overseas="on")
    page = client.get(reverse("sites:selection", args=[Selection.objects.get().pk])).content.decode()
    assert f'href="{reverse("sites:site_score", args=["sel-b"])}">Site B</a>' in page  # a near-miss
    assert f'href="{reverse("sites:label_site", args=["sel-a"])}">dans le vivier<' in page


def test_a_side_that_adopted_a_selection_is_not_offered_to_adopt_it_again(client, people, method):
    build(client, people, method, include_overseas="on")
    selection = Selection.objects.get()
    url = reverse("sites:selection", args=[selection.pk])

    def page():
        return " ".join(client.get(url).content.decode().replace("&#x27;", "'").split())

    assert "Adopter cette sélection au nom de l'ANCT" in page()
    client.post(reverse("sites:selection_adopt", args=[selection.pk]))
    assert "Adopter cette sélection" not in page()
    again = client.post(reverse("sites:selection_adopt", args=[selection.pk]), follow=True).content.decode()
    assert "Sélection « Sélection test » déjà adoptée de votre côté." in again
    assert AuditEvent.objects.filter(action="selection.adopt").count() == 1  # the second click wrote nothing
    client.force_login(bdt_person())  # Banque des Territoires still may
    assert "Adopter cette sélection au nom de la Banque des Territoires" in page()
