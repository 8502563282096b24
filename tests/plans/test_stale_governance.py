"""Two people open the same governance form, both save: the second is refused (409) with the conflict banner (their
values against the saved ones), nothing of theirs is written and no audit row; a save that changes nothing bumps
nothing. Binôme, steering committee and partners are one form (one revision, the binôme's); the chef de projet has
its own."""

import html

from pilote.core.models import AuditEvent
from pilote.territories.models import Binome, ProjectLead

from .conftest import url
from .factories import governance


def _management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def governance_data(t, **changes) -> dict:
    """The governance form as the page shows it now (binôme, committee, partners), with `changes`."""
    binome = Binome.objects.get(territory=t)
    member, partner = t.committee_members.get(), t.partners.get()
    data = {
        "elected_name": binome.elected_name,
        "elected_function": binome.elected_function,
        "elected_organisation": binome.elected_organisation,
        "industrialist_name": binome.industrialist_name,
        "industrialist_company": binome.industrialist_company,
        "industrialist_siren": binome.industrialist_siren,
        "revision": str(binome.revision),
        **_management("comite", 1, 1),
        "comite-0-id": str(member.pk),
        "comite-0-name": member.name,
        "comite-0-organisation": member.organisation,
        "comite-0-role": member.role,
        **_management("partenaires", 1, 1),
        "partenaires-0-id": str(partner.pk),
        "partenaires-0-name": partner.name,
        "partenaires-0-contribution": partner.contribution,
    }
    return data | changes


def lead_data(t, **changes) -> dict:
    lead = ProjectLead.objects.current().get(territory=t)
    data = {
        "name": lead.name,
        "employer": lead.employer,
        "started_on": lead.started_on.isoformat(),
        "full_time_share": str(lead.full_time_share),
        "state_funding": str(lead.state_funding),
        "epci_funding": str(lead.epci_funding),
        "revision": str(lead.revision),
        "lead": str(lead.pk),
    }
    return data | changes


def audit_count() -> int:
    return AuditEvent.objects.count()


def test_a_stale_binome_edit_is_refused_with_409_and_the_saved_values(team_client, ain):
    governance(ain)
    first = governance_data(ain, elected_name="Anne Durand-Vidal")
    second = governance_data(ain, industrialist_name="Pierre Morel")
    assert team_client.post(url("governance_edit", ain), first).status_code == 302
    before = audit_count()
    response = team_client.post(url("governance_edit", ain), second)
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert 'id="conflict"' in page and "Votre valeur" in page
    rows = {row["label"]: (row["theirs"], row["saved"]) for row in response.context["form"].conflict.rows}
    assert rows["Élu·e : nom"] == ("Anne Durand", "Anne Durand-Vidal")
    binome = Binome.objects.get(territory=ain)
    assert (binome.elected_name, binome.industrialist_name, binome.revision) == ("Anne Durand-Vidal", "Paul Morel", 2)
    assert audit_count() == before


def test_a_stale_committee_edit_is_refused_and_the_committee_is_kept(team_client, ain):
    governance(ain)
    first = governance_data(ain, **{"comite-0-role": "Préfet"})
    second = governance_data(ain, **{"comite-0-name": "Marc Rousseau"})
    assert team_client.post(url("governance_edit", ain), first).status_code == 302
    before = audit_count()
    response = team_client.post(url("governance_edit", ain), second)
    assert response.status_code == 409
    rows = {row["label"]: (row["theirs"], row["saved"]) for row in response.context["form"].conflict.rows}
    assert rows["Comité de pilotage"] == (
        "Marc Rousseau (Préfecture de l'Ain, Sous-préfet)",
        "Marc Roux (Préfecture de l'Ain, Préfet)",
    )
    member = ain.committee_members.get()
    assert (member.name, member.role) == ("Marc Roux", "Préfet")
    assert audit_count() == before


def test_a_stale_partners_edit_is_refused_and_the_partners_are_kept(team_client, ain):
    governance(ain)
    first = governance_data(ain, **{"partenaires-0-contribution": "Prêts"})
    second = governance_data(ain, **{"partenaires-0-DELETE": "on"})
    assert team_client.post(url("governance_edit", ain), first).status_code == 302
    before = audit_count()
    response = team_client.post(url("governance_edit", ain), second)
    assert response.status_code == 409
    assert "Partenaires" in {row["label"] for row in response.context["form"].conflict.rows}
    assert ain.partners.get().contribution == "Prêts"
    assert audit_count() == before


def test_a_committee_row_deleted_meanwhile_is_explained_as_a_conflict(team_client, ain):
    governance(ain)
    first = governance_data(ain, **{"comite-0-DELETE": "on"})
    second = governance_data(ain, **{"comite-0-role": "Préfet"})
    assert team_client.post(url("governance_edit", ain), first).status_code == 302
    response = team_client.post(url("governance_edit", ain), second)
    assert response.status_code == 409
    assert not ain.committee_members.exists()


def test_two_first_binomes_the_second_is_refused(team_client, ain):
    """Both open the empty form: the second creation finds the first one's binôme and is refused, not a 500."""
    data = {
        "elected_name": "Anne Durand",
        "elected_function": "Présidente",
        "elected_organisation": "CC Alpha",
        "industrialist_name": "Paul Morel",
        "industrialist_company": "Morel Usinage",
        "industrialist_siren": "",
        "revision": "",
        **_management("comite", 0, 0),
        **_management("partenaires", 0, 0),
    }
    assert team_client.post(url("governance_edit", ain), data).status_code == 302
    before = audit_count()
    response = team_client.post(url("governance_edit", ain), data | {"elected_name": "Jeanne Martin"})
    assert response.status_code == 409
    assert Binome.objects.get(territory=ain).elected_name == "Anne Durand"
    assert audit_count() == before


def test_a_governance_save_without_change_bumps_nothing(team_client, ain):
    governance(ain)
    before = audit_count()
    assert team_client.post(url("governance_edit", ain), governance_data(ain)).status_code == 302
    assert Binome.objects.get(territory=ain).revision == 1
    assert audit_count() == before


def test_a_stale_chef_de_projet_correction_is_refused_with_409(team_client, ain):
    governance(ain)
    first, second = lead_data(ain, full_time_share="0.5"), lead_data(ain, employer="CA Beta")
    assert team_client.post(url("project_lead", ain), first).status_code == 302
    before = audit_count()
    response = team_client.post(url("project_lead", ain), second)
    assert response.status_code == 409
    assert 'id="conflict"' in response.content.decode()
    rows = {row["label"]: (row["theirs"], row["saved"]) for row in response.context["form"].conflict.rows}
    assert rows["Quotité (part d'un temps plein)"] == ("0.80", "0.50")
    lead = ProjectLead.objects.current().get(territory=ain)
    assert (lead.employer, str(lead.full_time_share), lead.revision) == ("CC Alpha", "0.50", 2)
    assert audit_count() == before


def test_a_correction_made_on_a_chef_de_projet_replaced_since_is_refused(team_client, ain):
    """The replacement's revision is 1 like the stale form's: the form also says which chef de projet it corrects."""
    governance(ain)
    stale = lead_data(ain, employer="CA Beta")
    new = {"name": "Hugo Blanc", "employer": "CA Beta", "started_on": "2025-03-01", "full_time_share": "1"}
    new |= {"state_funding": "0", "epci_funding": "0", "revision": stale["revision"], "lead": stale["lead"]}
    assert team_client.post(url("project_lead_change", ain), new).status_code == 302
    response = team_client.post(url("project_lead", ain), stale)
    assert response.status_code == 409
    assert ProjectLead.objects.current().get(territory=ain).name == "Hugo Blanc"


def test_two_changes_of_chef_de_projet_the_second_is_refused(team_client, ain):
    governance(ain)
    opened = lead_data(ain)
    first = {"name": "Hugo Blanc", "employer": "CA Beta", "started_on": "2025-03-01", "full_time_share": "1"}
    first |= {"state_funding": "0", "epci_funding": "0", "revision": opened["revision"], "lead": opened["lead"]}
    second = first | {"name": "Inès Garnier", "started_on": "2025-04-01"}
    assert team_client.post(url("project_lead_change", ain), first).status_code == 302
    before = audit_count()
    response = team_client.post(url("project_lead_change", ain), second)
    assert response.status_code == 409
    leads = list(ProjectLead.objects.filter(territory=ain).order_by("started_on").values_list("name", "ended_on"))
    assert [name for name, _ in leads] == ["Léa Petit", "Hugo Blanc"] and leads[1][1] is None
    assert audit_count() == before


def test_a_chef_de_projet_save_without_change_bumps_nothing(team_client, ain):
    governance(ain)
    before = audit_count()
    assert team_client.post(url("project_lead", ain), lead_data(ain)).status_code == 302
    assert ProjectLead.objects.current().get(territory=ain).revision == 1
    assert audit_count() == before
