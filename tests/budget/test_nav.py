"""The budget sub-navigation: on every budget page, the Budget menu included; each link only for who may open it.
A team member who opens a budget page gets the DSFR 403 page, not a bare « 403 Forbidden »."""

import re

import pytest
from django.urls import reverse

NAV = re.compile(r'<nav class="[^"]*" aria-label="Budget du programme">(.*?)</nav>', re.S)
EVERYONE = ["Tableau de bord", "Enveloppes", "Engagements", "Rebond industriel", "Paramètres"]


def _nav_links(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r">([^<>]+)</a>", NAV.search(response.content.decode()).group(1))


@pytest.mark.parametrize("name", ["budget:dashboard", "budget:commitments", "budget:years", "budget:parameters"])
def test_budget_pages_show_the_budget_sub_navigation_to_anct(client, people, name):
    assert _nav_links(client, people["anct"], reverse(name)) == [*EVERYONE[:3], "Scénarios", *EVERYONE[3:]]


def test_budget_menu_landing_page_hides_scenarios_from_an_operator(client, people):
    assert _nav_links(client, people["operator"], reverse("budget:dashboard")) == EVERYONE


def test_current_budget_page_is_marked_in_the_sub_navigation(client, people):
    client.force_login(people["anct"])
    html = client.get(reverse("budget:commitments")).content.decode()
    assert re.search(r'href="/espace/budget/engagements/"\s+aria-current="page"', NAV.search(html).group(1))


def test_team_member_opening_a_budget_page_gets_the_dsfr_403_page(client, people):
    client.force_login(people["team"])
    response = client.get(reverse("budget:dashboard"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in html and 'class="fr-header"' in html
    assert "Forbidden" not in html
