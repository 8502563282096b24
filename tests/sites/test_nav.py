"""The sites sub-navigation: on every sites page, a link to each sites page the person may open — the public ones
(pool, labelled sites, method) for everybody, visitors included; proposing for teams and State services; selections
and the labelling dashboard for ANCT and Banque des Territoires — the current one marked aria-current."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse

NAV = re.compile(r'<nav class="[^"]*" aria-label="Sites industriels">(.*?)</nav>', re.S)
PUBLIC = ["Vivier", "Sites labellisés"]
METHOD = ["Méthode de qualification"]
ALL = [*PUBLIC, "Proposer un site", "Sélections", "Labellisation", *METHOD]

pytestmark = pytest.mark.django_db
User = get_user_model()


def _nav(client, url, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return NAV.search(response.content.decode()).group(1)


def _labels(html) -> list[str]:
    return re.findall(r">([^<>]+)</a>", html)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, [*PUBLIC, *METHOD]),
        ("nobody", [*PUBLIC, *METHOD]),
        ("operator", [*PUBLIC, *METHOD]),
        ("team", [*PUBLIC, "Proposer un site", *METHOD]),
        ("dep01", [*PUBLIC, "Proposer un site", *METHOD]),
        ("region84", [*PUBLIC, "Proposer un site", *METHOD]),
        ("bdt", [*PUBLIC, "Sélections", "Labellisation", *METHOD]),
        ("anct", ALL),
    ],
)
def test_each_role_sees_the_links_of_the_pages_it_may_open(client, people, bdt, who, expected):
    user = {**people, "bdt": bdt}.get(who)
    assert _labels(_nav(client, reverse("sites:pool"), user)) == expected


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("sites:pool", "Vivier"),
        ("sites:labelled", "Sites labellisés"),
        ("sites:propose", "Proposer un site"),
        ("sites:selections", "Sélections"),
        ("sites:label_dashboard", "Labellisation"),
        ("sites:method", "Méthode de qualification"),
    ],
)
def test_the_current_page_is_marked_in_the_sub_navigation(client, people, name, current):
    html = _nav(client, reverse(name), people["anct"])
    assert re.findall(r'aria-current="page">([^<]+)</a>', html) == [current]
    assert re.search(rf'href="{reverse(name)}"\s+aria-current="page"', html)


def test_a_page_inside_a_section_highlights_it_without_marking_it_current(client, people):
    html = _nav(client, reverse("sites:selection_new"), people["anct"])
    assert "aria-current" not in html
    primary = re.findall(r'<a class="fr-btn\s*"\s+href="([^"]+)"', html)
    assert primary == [reverse("sites:selections")]


def _render_nav(user, url_name="sites:pool") -> str:
    request = RequestFactory().get(reverse(url_name))
    request.user = user
    request.resolver_match = resolve(request.path)
    return Template("{% load sites %}{% sites_nav %}").render(Context({"request": request}))


def test_the_sub_navigation_reads_nothing_for_a_visitor(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = _render_nav(AnonymousUser())
    assert _labels(html) == [*PUBLIC, *METHOD]


@pytest.mark.parametrize("who", ["anct", "team", "operator", "bdt"])
def test_the_sub_navigation_reads_the_roles_and_organisation_once(
    people, bdt, who, django_assert_max_num_queries, django_assert_num_queries
):
    user = User.objects.get(pk={**people, "bdt": bdt}[who].pk)  # nothing cached on it
    with django_assert_max_num_queries(2):
        _render_nav(user)
    with django_assert_num_queries(0):
        _render_nav(user)  # a second render on the same request's user reads nothing more
