import re

from pilote.core.enums import Role
from pilote.plans.enums import Priority
from pilote.plans.models import FicheAction
from pilote.plans.spreadsheet import MAX_FICHES

from ..core.factories import UserFactory, user_with_role
from .conftest import url
from .factories import FicheFactory, FunderFactory, territory


def test_team_sees_its_plan_with_fiches_and_funding(team_client, ain):
    fiche = FicheFactory(territory=ain, title="Campus des métiers")
    FunderFactory(fiche=fiche, amount=30000, is_secured=True)
    FunderFactory(fiche=fiche, amount=5000, is_secured=False)
    FicheFactory(territory=territory("ti-2701"), title="Fiche du Jura")
    response = team_client.get(url("plan", ain))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Campus des métiers" in html
    digits = re.sub(r"[\s\u202f\xa0]", "", html)
    assert ">120000<" in digits and ">30000<" in digits and ">5000<" in digits
    assert "Fiche du Jura" not in html
    assert "Nouvelle fiche action" in html


def test_plan_filters_by_priority_and_text(team_client, ain):
    FicheFactory(territory=ain, title="École de production", priority=Priority.SKILLS)
    FicheFactory(territory=ain, title="Friche Arnaud", priority=Priority.LAND, lead_organisation="EPF")
    html = team_client.get(url("plan", ain), {"priority": Priority.LAND}).content.decode()
    assert "Friche Arnaud" in html and "École de production" not in html
    html = team_client.get(url("plan", ain), {"q": "epf"}).content.decode()
    assert "Friche Arnaud" in html and "École de production" not in html


def test_unknown_filter_value_is_ignored_not_an_error(team_client, ain):
    FicheFactory(territory=ain, title="École de production")
    response = team_client.get(url("plan", ain), {"priority": "n'importe-quoi"})
    assert response.status_code == 200
    assert "École de production" in response.content.decode()  # the plan, unfiltered


def test_anonymous_is_sent_to_login(client, ain):
    response = client.get(url("plan", ain))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_team_of_another_territory_cannot_see_the_plan(client, ain):
    client.force_login(user_with_role(Role.TERRITORY_TEAM, phase_slug="2023-2027", territory_code="ti-2701"))
    assert client.get(url("plan", ain)).status_code == 404


def test_region_reviewer_in_scope_reads_but_cannot_edit(client, ain):
    fiche = FicheFactory(territory=ain)
    client.force_login(user_with_role(Role.REGION_REVIEWER, region_code="84"))
    response = client.get(url("plan", ain))
    assert response.status_code == 200
    assert "Nouvelle fiche action" not in response.content.decode()
    assert client.get(url("fiche", ain, pk=fiche.pk)).status_code == 200
    assert client.get(url("fiche_create", ain)).status_code == 403
    assert client.get(url("fiche_edit", ain, pk=fiche.pk)).status_code == 403
    assert client.get(url("import", ain)).status_code == 403


def test_region_reviewer_out_of_scope_gets_404(client, mini_world):
    client.force_login(user_with_role(Role.REGION_REVIEWER, region_code="84"))
    assert client.get(url("plan", territory("ti-2701"))).status_code == 404


def test_someone_without_a_role_gets_404(client, ain):
    client.force_login(UserFactory())
    assert client.get(url("plan", ain)).status_code == 404


def test_unknown_territory_or_fiche_is_404(team_client, ain):
    assert team_client.get("/espace/plans/2023-2027/ti-9999/").status_code == 404
    assert team_client.get(url("fiche", ain, pk=999)).status_code == 404


def test_fiche_of_another_territory_is_not_reachable_through_mine(team_client, ain):
    other = FicheFactory(territory=territory("ti-2701"))
    assert team_client.get(url("fiche", ain, pk=other.pk)).status_code == 404
    assert team_client.get(url("fiche_edit", ain, pk=other.pk)).status_code == 404


def test_plan_page_query_count_does_not_grow_with_fiches(team_client, ain, django_assert_max_num_queries):
    for _ in range(25):
        FunderFactory(fiche=FicheFactory(territory=ain))
    with django_assert_max_num_queries(11):  # 8, the count of the paginator, the editing lock, « À traiter »
        response = team_client.get(url("plan", ain))
    assert response.content.decode().count("/fiches/") >= 25


def test_fiche_detail_query_count_is_constant(team_client, ain, django_assert_max_num_queries):
    fiche = FicheFactory(territory=ain)
    for _ in range(10):
        FunderFactory(fiche=fiche)
    with django_assert_max_num_queries(14):  # 12, the fiche's attachments, « À traiter » of the header
        assert team_client.get(url("fiche", ain, pk=fiche.pk)).status_code == 200


def test_a_plan_of_two_thousand_fiches_is_shown_a_hundred_at_a_time(team_client, ain, django_assert_max_num_queries):
    fiches = FicheAction.objects.bulk_create(
        FicheAction(territory=ain, title=f"Fiche {n:04d}", priority=Priority.SKILLS) for n in range(MAX_FICHES)
    )
    with django_assert_max_num_queries(11):  # and the editing lock, « À traiter » of the header
        response = team_client.get(url("plan", ain), {"priority": Priority.SKILLS, "page": 2})
    page = response.content.decode()
    assert "2 000 fiches actions — page 2 sur 20" in re.sub(r"[\s\u202f\xa0]+", " ", page)
    assert "Fiche 0100" in page and "Fiche 0199" in page and "Fiche 0099" not in page and "Fiche 0200" not in page
    assert page.count(f"/fiches/{fiches[150].pk}/") == 1
    assert f"priority={Priority.SKILLS}&amp;page=3" in page  # the filter is kept from page to page
    assert len(response.content) < 150_000  # 1.7 MB when the whole plan was one page


def test_a_page_past_the_end_shows_the_last_one(team_client, ain):
    FicheFactory(territory=ain, title="Seule fiche")
    response = team_client.get(url("plan", ain), {"page": "99"})
    assert response.status_code == 200 and "Seule fiche" in response.content.decode()


def test_plan_numbers_fiches_within_the_territory_not_by_database_id(team_client, ain):
    FicheFactory(territory=territory("ti-2701"), title="Fiche du Jura")  # takes a database id before the Ain's
    FicheFactory(territory=ain, title="Campus des métiers")
    FicheFactory(territory=ain, title="Friche Arnaud", priority=Priority.LAND)
    html = team_client.get(url("plan", ain)).content.decode()
    numbers = re.findall(r'<td class="ti-fiche-number">(\d+)</td>', html)
    assert numbers == ["1", "2"]
    html = team_client.get(url("plan", ain), {"priority": Priority.LAND}).content.decode()
    assert re.findall(r'<td class="ti-fiche-number">(\d+)</td>', html) == ["2"]  # a filter keeps the number
