import datetime
import html
import re
from decimal import Decimal

from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.territories.models import Binome, ProjectLead

from ..core.factories import user_with_role
from .conftest import url
from .factories import governance, territory


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


BINOME = {
    "elected_name": "Anne Durand",
    "elected_function": "Présidente",
    "elected_organisation": "CC Alpha",
    "industrialist_name": "Paul Morel",
    "industrialist_company": "Morel Usinage",
    "industrialist_siren": "123 456 789",
}


def opened_on_current_lead(t) -> dict:
    """The hidden fields of a chef de projet form opened now: which chef de projet, at which revision."""
    lead = ProjectLead.objects.current().get(territory=t)
    return {"lead": str(lead.pk), "revision": str(lead.revision)}


def test_team_records_binome_committee_and_partners_with_audit(team_client, ain, team):
    data = {
        **BINOME,
        **_management("comite", 1),
        "comite-0-name": "Marc Roux",
        "comite-0-organisation": "Préfecture de l'Ain",
        "comite-0-role": "Sous-préfet",
        **_management("partenaires", 1),
        "partenaires-0-name": "Bpifrance",
    }
    response = team_client.post(url("governance_edit", ain), data)
    assert response.status_code == 302
    binome = Binome.objects.get(territory=ain)
    assert binome.industrialist_siren == "123456789"
    assert ain.committee_members.get().name == "Marc Roux"
    actions = set(AuditEvent.objects.filter(territory_code="ti-8401").values_list("action", flat=True))
    assert actions == {"binome.create", "committee.update", "partners.update"}
    assert AuditEvent.objects.get(action="committee.update").changes == {
        "committee_members": [[], ["Marc Roux (Préfecture de l'Ain, Sous-préfet)"]]
    }
    page = html.unescape(team_client.get(url("governance", ain)).content.decode())
    assert "Anne Durand" in page and "Marc Roux" in page and "Bpifrance" in page and "binome.create" not in page


def test_a_bad_siren_is_refused_in_french(team_client, ain):
    data = {**BINOME, "industrialist_siren": "12AB", **_management("comite"), **_management("partenaires")}
    response = team_client.post(url("governance_edit", ain), data)
    assert response.status_code == 200
    assert "Le SIREN compte 9 chiffres." in response.content.decode()
    assert not Binome.objects.exists()


def test_a_new_chef_de_projet_keeps_the_previous_one_with_an_end_date(team_client, ain):
    governance(ain)
    data = {
        **opened_on_current_lead(ain),
        "name": "Hugo Blanc",
        "employer": "CA Beta",
        "started_on": "2025-03-01",
        "full_time_share": "0,5",
        "state_funding": "20000",
        "epci_funding": "20000",
    }
    response = team_client.post(url("project_lead_change", ain), data)
    assert response.status_code == 302
    previous, current = ProjectLead.objects.filter(territory=ain).order_by("started_on")
    assert previous.name == "Léa Petit" and previous.ended_on == datetime.date(2025, 2, 28)
    assert current.name == "Hugo Blanc" and current.ended_on is None and current.full_time_share == Decimal("0.5")
    assert AuditEvent.objects.get(action="project_lead.end").changes == {"ended_on": [None, "2025-02-28"]}
    page = team_client.get(url("governance", ain)).content.decode()
    assert "Léa Petit" in page and "jusqu'au 28/02/2025" in page


def test_a_chef_de_projet_cannot_start_before_the_current_one(team_client, ain):
    governance(ain)
    data = {
        "name": "X",
        "employer": "Y",
        "started_on": "2020-01-01",
        "full_time_share": "1",
        "state_funding": "0",
        "epci_funding": "0",
    }
    response = team_client.post(url("project_lead_change", ain), data)
    assert response.status_code == 200
    assert "doit prendre son poste après le 01/09/2023" in html.unescape(response.content.decode())
    assert ProjectLead.objects.count() == 1


def test_correcting_the_chef_de_projet_checks_share_and_funding(team_client, ain):
    governance(ain)
    data = {
        **opened_on_current_lead(ain),
        "name": "Léa Petit",
        "employer": "CC Alpha",
        "started_on": "2023-09-01",
        "full_time_share": "1.5",
        "state_funding": "-1",
        "epci_funding": "0",
    }
    page = html.unescape(team_client.post(url("project_lead", ain), data).content.decode())
    assert "La quotité est comprise entre 0 et 1" in page and "Le montant doit être positif ou nul." in page
    data |= {"full_time_share": "0.6", "state_funding": "25000", "epci_funding": "25000"}
    assert team_client.post(url("project_lead", ain), data).status_code == 302
    lead = ProjectLead.objects.get()
    assert lead.full_time_share == Decimal("0.6") and lead.state_funding == Decimal("25000")
    assert AuditEvent.objects.get(action="project_lead.update").changes["full_time_share"] == ["0.80", "0.60"]


def test_region_reviewer_reads_governance_but_cannot_edit(client, ain):
    governance(ain)
    client.force_login(user_with_role(Role.REGION_REVIEWER, region_code="84"))
    assert "Anne Durand" in client.get(url("governance", ain)).content.decode()
    for name in ("governance_edit", "project_lead", "project_lead_change"):
        assert client.get(url(name, ain)).status_code == 403
        assert client.post(url(name, ain), {}).status_code == 403


def test_team_of_another_territory_cannot_see_the_governance(client, ain):
    client.force_login(user_with_role(Role.TERRITORY_TEAM, phase_slug="2023-2027", territory_code="ti-2701"))
    assert client.get(url("governance", ain)).status_code == 404
    assert client.get(url("governance_edit", ain)).status_code == 404


def test_anonymous_is_sent_to_login(client, ain):
    assert client.get(url("governance", ain)).status_code == 302


def test_governance_page_query_count_is_constant(team_client, ain, django_assert_max_num_queries):
    governance(ain)
    governance(territory("ti-2701"))
    with django_assert_max_num_queries(14):
        assert team_client.get(url("governance", ain)).status_code == 200


def test_every_edit_page_opens_for_the_team(team_client, ain):
    from .factories import FicheFactory

    fiche = FicheFactory(territory=ain)
    for name, kwargs in [
        ("governance_edit", {}),
        ("project_lead", {}),
        ("project_lead_change", {}),
        ("fiche_create", {}),
        ("fiche_edit", {"pk": fiche.pk}),
        ("import", {}),
    ]:
        assert team_client.get(url(name, ain, **kwargs)).status_code == 200, name
    governance(ain)
    page = team_client.get(url("project_lead", ain)).content.decode()
    assert 'value="0,80"' in page
    assert re.search(r'name="state_funding" value="20\s000,00"', page)
    # What the page shows, posted back unchanged, is understood.
    data = {
        "name": "Léa Petit",
        "employer": "CC Alpha",
        "started_on": "2023-09-01",
        "full_time_share": "0,80",
        "state_funding": "20\xa0000,00",
        "epci_funding": "20 000",
    }
    assert team_client.post(url("project_lead", ain), data).status_code == 302
    assert not AuditEvent.objects.filter(action="project_lead.update").exists()


def test_chef_de_projet_funding_above_the_state_share_ceiling_is_refused(team_client, ain):
    """67 % of State money against the budget's 50 % ceiling (its Parameters): refused, as a commitment would be."""
    governance(ain)
    data = {
        **opened_on_current_lead(ain),
        "name": "Léa Petit",
        "employer": "CC Alpha",
        "started_on": "2023-09-01",
        "full_time_share": "1",
        "state_funding": "40000",
        "epci_funding": "20000",
    }
    response = team_client.post(url("project_lead", ain), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    text = page.replace("\xa0", " ").replace("\u202f", " ")
    assert "La part de l'État dans ce poste de chef de projet serait de 66,7 %, au-delà du plafond de 50,0 %" in text
    assert ProjectLead.objects.get().state_funding != Decimal("40000")


def test_chef_de_projet_ceiling_follows_the_budget_parameters(team_client, ain):
    from pilote.budget.models import Parameters

    Parameters.objects.update_or_create(pk=1, defaults={"project_lead_state_share_max": Decimal("70")})
    governance(ain)
    data = {
        **opened_on_current_lead(ain),
        "name": "Léa Petit",
        "employer": "CC Alpha",
        "started_on": "2023-09-01",
        "full_time_share": "1",
        "state_funding": "40000",
        "epci_funding": "20000",
    }
    assert team_client.post(url("project_lead", ain), data).status_code == 302
