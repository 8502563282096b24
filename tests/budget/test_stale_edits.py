"""Stale edits of every versioned budget object (pilote.core.versioning): two people open the same form, both save;
the second gets 409 with the banner of their values against the saved ones, nothing of theirs is written and no audit
row. A save that changes nothing writes no revision and no audit row."""

import html

from django.urls import reverse

from pilote.budget.enums import ActionType
from pilote.budget.models import Commitment, Parameters, Scenario
from pilote.core.models import AuditEvent

from .factories import euros
from .test_commitment_pages import edit_data
from .test_envelope_pages import as_, commit, fresh
from .test_scenario_pages import form_data as scenario_data
from .test_scenarios import INV, four_lines, make_scenario


def conflict_rows(response) -> dict[str, tuple[str, str]]:
    return {row["label"]: (row["theirs"], row["saved"]) for row in response.context["form"].conflict.rows}


def test_a_stale_envelope_edit_shows_both_amounts_and_writes_no_audit_row(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope_edit", args=[region.pk])
    opened = {"ae": "1 500 000", "cp": "1 000 000", "revision": region.revision}
    assert as_(client, people["anct"]).post(url, opened).status_code == 302
    events = AuditEvent.objects.count()
    response = client.post(url, opened | {"ae": "2 000 000"})
    assert response.status_code == 409
    assert conflict_rows(response)["Autorisations d'engagement (€)"] == (
        "2\u202f000\u202f000,00 €",
        "1\u202f500\u202f000,00 €",
    )
    assert fresh(region).ae_amount == euros(1_500_000) and fresh(region).revision == region.revision + 1
    assert AuditEvent.objects.count() == events
    # The page now carries the saved revision: saving again is a deliberate choice, and it goes through.
    assert f'name="revision" value="{region.revision + 1}"' in response.content.decode()


def test_envelope_amounts_saved_unchanged_bump_nothing(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope_edit", args=[region.pk])
    events = AuditEvent.objects.count()
    data = {"ae": "1 000 000", "cp": "1 000 000", "revision": region.revision}
    assert as_(client, people["anct"]).post(url, data).status_code == 302
    assert fresh(region).revision == region.revision
    assert AuditEvent.objects.count() == events


def test_a_stale_commitment_edit_shows_both_values_and_writes_no_audit_row(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    url = reverse("budget:commitment_edit", args=[commitment.pk])
    first, second = edit_data(commitment, label="Deux lignes"), edit_data(commitment, amount="120 000")
    assert as_(client, people["anct"]).post(url, first).status_code == 302
    events = AuditEvent.objects.count()
    response = client.post(url, second)
    assert response.status_code == 409
    rows = conflict_rows(response)
    assert rows["Objet"] == ("Machine", "Deux lignes")
    assert rows["Montant (AE, €)"] == ("120\u202f000,00 €", "100\u202f000,00 €")
    saved = Commitment.objects.get()
    assert (saved.label, saved.amount, saved.revision) == ("Deux lignes", euros(100_000), commitment.revision + 1)
    assert AuditEvent.objects.count() == events


def test_a_commitment_saved_unchanged_bumps_nothing(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    events = AuditEvent.objects.count()
    url = reverse("budget:commitment_edit", args=[commitment.pk])
    assert as_(client, people["anct"]).post(url, edit_data(commitment)).status_code == 302
    assert Commitment.objects.get().revision == commitment.revision
    assert AuditEvent.objects.count() == events


def test_a_stale_parameters_edit_shows_both_values(client, people):
    revision = Parameters.current().revision
    url = reverse("budget:parameters")
    first = {"project_lead_state_share_max": "60", "project_lead_yearly_cap": "40 000", "revision": revision}
    assert as_(client, people["anct"]).post(url, first).status_code == 302
    events = AuditEvent.objects.count()
    response = client.post(url, first | {"project_lead_state_share_max": "50", "project_lead_yearly_cap": "45 000"})
    assert response.status_code == 409
    rows = {label.lower(): values for label, values in conflict_rows(response).items()}
    assert rows["plafond annuel de l'aide de l'état au chef de projet, par territoire (€)"] == (
        "45\u202f000 €",
        "40\u202f000 €",
    )
    assert Parameters.current().project_lead_state_share_max == euros(60)
    assert AuditEvent.objects.count() == events


def test_parameters_saved_unchanged_bump_nothing(client, people):
    current = Parameters.current()
    data = {"project_lead_state_share_max": "50", "project_lead_yearly_cap": "40 000", "revision": current.revision}
    assert as_(client, people["anct"]).post(reverse("budget:parameters"), data).status_code == 302
    assert Parameters.current().revision == current.revision
    assert not AuditEvent.objects.filter(action="budget.parameters").exists()


def test_a_stale_scenario_edit_shows_both_values(client, national):
    scenario = make_scenario(lines=four_lines())
    url = reverse("budget:scenario_edit", args=[scenario.pk])
    assert client.post(url, scenario_data(name="Le premier", revision="1")).status_code == 302
    events = AuditEvent.objects.count()
    response = client.post(url, scenario_data(name="Le second", revision="1", **{f"{INV}-share_percent": "10"}))
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert 'id="conflict"' in page
    rows = conflict_rows(response)
    assert rows["Nom"] == ("Le second", "Le premier")
    assert "10,00" in rows["Types d'action"][0] and "10,00" not in rows["Types d'action"][1]
    assert Scenario.objects.get().name == "Le premier"
    assert AuditEvent.objects.count() == events


def test_a_scenario_saved_unchanged_bumps_nothing(client, national):
    scenario = make_scenario(lines=four_lines())
    url = reverse("budget:scenario_edit", args=[scenario.pk])
    assert client.post(url, scenario_data(name=scenario.name, revision="1")).status_code == 302
    assert Scenario.objects.get().revision == 1
    assert not AuditEvent.objects.filter(action="budget.scenario_change").exists()
