"""« Mon espace »: a person's roles and the territories of their scope, both phases, read through the one scoping
method. The tiny France: ti-8401 of phase 2 reaches into the Jura (régions 84 and 27), ti-2701 is in the Jura only;
in phase 1 « Alpha-Beta » (ti-8401) is in the Ain, « Jura Zeta » (ti-2701) in the Jura."""

import pytest

from pilote.core.enums import Role
from pilote.core.models import Organisation
from tests.core.factories import OrganisationFactory, UserFactory, user_with_role

URL = "/espace/"
PHASE2 = "2023-2027"
NAMES = {"Ain industriel", "Nouveau Jura", "Alpha-Beta", "Jura Zeta"}


def _page(client, user, assert_max):
    client.force_login(user)
    with assert_max(12):  # 10, and one per app counting « À traiter » (registry `inbox_counts`: sites, campaigns)
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _territories(html):
    return {name for name in NAMES if f">{name}</a>" in html}


@pytest.mark.parametrize(
    "role, scope, role_line, seen",
    [
        (Role.NATIONAL, {}, "<strong>Délégation nationale (ANCT)</strong> : national", NAMES),
        (Role.OPERATOR, {}, "<strong>Opérateur</strong> : national", NAMES),
        (
            Role.REGION_REVIEWER,
            {"region_code": "84"},
            "<strong>Instructeur régional</strong> : région Auvergne-Rhône-Alpes (84)",
            {"Ain industriel", "Alpha-Beta"},
        ),
        (
            Role.REGION_REVIEWER,
            {"region_code": "27"},
            "<strong>Instructeur régional</strong> : région Bourgogne-Franche-Comté (27)",
            {"Ain industriel", "Nouveau Jura", "Jura Zeta"},  # ti-8401 of phase 2 crosses into the Jura
        ),
        (
            Role.DEPARTEMENT_REVIEWER,
            {"departement_code": "01"},
            "<strong>Instructeur départemental</strong> : département Ain (01)",
            {"Ain industriel", "Alpha-Beta"},
        ),
        (
            Role.TERRITORY_TEAM,
            {"phase_slug": PHASE2, "territory_code": "ti-8401"},
            "<strong>Équipe du territoire</strong> : territoire ti-8401 (phase 2023-2027)",
            {"Ain industriel"},
        ),
        (
            Role.TERRITORY_TEAM,
            {"phase_slug": PHASE2, "territory_code": "ti-2701"},
            "<strong>Équipe du territoire</strong> : territoire ti-2701 (phase 2023-2027)",
            {"Nouveau Jura"},
        ),
    ],
)
def test_mon_espace_lists_roles_and_territories_of_the_scope(
    client, mini_world, django_assert_max_num_queries, role, scope, role_line, seen
):
    html = _page(client, user_with_role(role, **scope), django_assert_max_num_queries)
    assert "<h1>Mon espace</h1>" in html
    assert role_line in html
    assert _territories(html) == seen


def test_territories_link_to_their_public_page(client, mini_world, django_assert_max_num_queries):
    user = user_with_role(Role.TERRITORY_TEAM, phase_slug=PHASE2, territory_code="ti-8401")
    html = _page(client, user, django_assert_max_num_queries)
    assert '<a href="/territoires/2023-2027/ti-8401/">Ain industriel</a>' in html
    assert 'href="/espace/plans/2023-2027/ti-8401/"' in html  # its action plan
    assert 'href="/espace/plans/2023-2027/ti-8401/gouvernance/"' in html
    assert 'href="/espace/campagnes/"' in html
    assert "1 territoire" in html


def test_person_without_role_is_told_whom_to_ask(client, mini_world, django_assert_max_num_queries):
    html = _page(client, UserFactory(), django_assert_max_num_queries)
    assert "Aucun rôle ne vous est attribué" in html
    assert "Aucun territoire dans votre périmètre." in html


def test_organisation_is_shown(client, mini_world, django_assert_max_num_queries):
    org = OrganisationFactory(name="Préfecture de l'Ain", kind="prefecture_departement")
    user = user_with_role(Role.DEPARTEMENT_REVIEWER, departement_code="01")
    user.organisation = org
    user.save()
    assert "— Préfecture de l&#x27;Ain" in _page(client, user, django_assert_max_num_queries)
    assert Organisation.objects.count() == 1


def test_query_count_does_not_grow_with_roles_and_territories(client, mini_world, django_assert_max_num_queries):
    user = user_with_role(Role.REGION_REVIEWER, region_code="84")
    user.roles.create(role=Role.REGION_REVIEWER, region_code="27")
    user.roles.create(role=Role.DEPARTEMENT_REVIEWER, departement_code="01")
    user.roles.create(role=Role.TERRITORY_TEAM, phase_slug=PHASE2, territory_code="ti-2701")
    assert _territories(_page(client, user, django_assert_max_num_queries)) == NAMES


def test_visitor_is_sent_to_login_with_next(client, db):
    assert client.get(URL).url == "/connexion/?next=/espace/"
