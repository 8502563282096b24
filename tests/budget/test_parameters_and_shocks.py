"""The rules' parameters (read by every viewer of the budget, edited by ANCT with optimistic concurrency) and the
territories designated for Rebond industriel (added and ended by ANCT), each change audited."""

import datetime

import pytest
from django.urls import reverse

from pilote.budget.enums import ActionType
from pilote.budget.models import Commitment, Parameters, ShockDesignation
from pilote.core.models import AuditEvent

from .factories import euros, territory
from .test_envelope_pages import as_, queries

PARAMS = reverse("budget:parameters")
SHOCKS = reverse("budget:shocks")


# --- parameters -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anct", "operator", "region84", "dep01"])
def test_every_viewer_reads_the_parameters_and_the_note_on_defaults(client, people, who):
    response = as_(client, people[who]).get(PARAMS)
    body = response.content.decode()
    assert response.status_code == 200
    assert "à confirmer par l&#x27;ANCT" in body and "50,0\u202f%" in body and "40\u202f000 €" in body
    assert (response.context["form"] is not None) is (who == "anct")


def test_a_territory_team_does_not_read_the_parameters(client, people):
    assert as_(client, people["team"]).get(PARAMS).status_code == 403


def test_anct_edits_the_parameters_and_the_change_is_audited(client, people):
    revision = Parameters.current().revision
    data = {"project_lead_state_share_max": "60", "project_lead_yearly_cap": "45 000", "revision": revision}
    assert as_(client, people["anct"]).post(PARAMS, data).status_code == 302
    params = Parameters.current()
    assert (params.project_lead_state_share_max, params.project_lead_yearly_cap) == (euros(60), euros(45_000))
    assert params.revision == revision + 1
    event = AuditEvent.objects.get(action="budget.parameters")
    assert event.changes == {
        "project_lead_state_share_max": ["50.00", "60.00"],
        "project_lead_yearly_cap": ["40000.00", "45000.00"],
    }
    history = as_(client, people["operator"]).get(PARAMS).context["history"]
    assert [label for _, label, _ in history] == ["Paramètres modifiés"]


def test_a_stale_parameters_form_is_refused_with_409_and_the_saved_values(client, people):
    revision = Parameters.current().revision
    Parameters.objects.filter(pk=1).update(project_lead_yearly_cap=euros(30_000), revision=revision + 1)
    data = {"project_lead_state_share_max": "70", "project_lead_yearly_cap": "99 000", "revision": revision}
    response = as_(client, people["anct"]).post(PARAMS, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "modifiés entre-temps" in body and "30\u202f000 €" in body
    assert response.context["form"].initial["revision"] == revision + 1
    assert Parameters.current().project_lead_yearly_cap == euros(30_000)
    assert not AuditEvent.objects.filter(action="budget.parameters").exists()


def test_a_share_beyond_100_percent_is_refused(client, people):
    data = {"project_lead_state_share_max": "150", "project_lead_yearly_cap": "1", "revision": 1}
    response = as_(client, people["anct"]).post(PARAMS, data)
    assert response.status_code == 400 and "project_lead_state_share_max" in response.context["form"].errors
    assert Parameters.current().project_lead_state_share_max == euros(50)


@pytest.mark.parametrize("who", ["operator", "region84"])
def test_only_anct_edits_the_parameters(client, people, who):
    data = {"project_lead_state_share_max": "10", "project_lead_yearly_cap": "1", "revision": 1}
    assert as_(client, people[who]).post(PARAMS, data).status_code == 403
    assert Parameters.current().project_lead_state_share_max == euros(50)


# --- Rebond industriel ------------------------------------------------------------------------------------------------


def test_anct_designates_a_territory_and_rebond_opens_to_it(client, tree, people):
    data = {
        "territory": territory("ti-8401").pk,
        "decided_on": "2024-02-01",
        "decision": "Comité national du 1er février",
        "reason": "Fermeture d'une usine",
    }
    assert as_(client, people["anct"]).post(SHOCKS, data).status_code == 302
    shock = ShockDesignation.objects.get()
    assert (shock.territory.code, shock.decided_by) == ("ti-8401", people["anct"])
    event = AuditEvent.objects.get(action="budget.shock_designate")
    assert (event.territory_code, event.changes["decision"][1]) == ("ti-8401", "Comité national du 1er février")
    Commitment.objects.create_for(
        tree.regions[ActionType.REBOND, "84"],
        actor=people["anct"],
        territory=territory("ti-8401"),
        amount=euros(1000),
        label="Reprise",
        beneficiary_name="Repreneur",
        commit_on=datetime.date(2024, 3, 1),
    )
    body = as_(client, people["region27"]).get(SHOCKS).content.decode()
    assert "Comité national du 1er février" in body


def test_anct_ends_a_designation_and_it_moves_to_the_ended_ones(client, people):
    shock = ShockDesignation.objects.create(
        territory=territory("ti-2701"), decided_on=datetime.date(2024, 1, 10), decision="D1", decided_by=people["anct"]
    )
    as_(client, people["anct"])
    response = client.post(reverse("budget:shock_end", args=[shock.pk]), {"ended_on": "2024-01-05"})
    assert response.status_code == 400 and "ne peut précéder la décision du 10/01/2024" in response.content.decode()
    assert ShockDesignation.objects.get().ended_on is None
    assert client.post(reverse("budget:shock_end", args=[shock.pk]), {"ended_on": "2024-06-30"}).status_code == 302
    assert ShockDesignation.objects.get().ended_on == datetime.date(2024, 6, 30)
    event = AuditEvent.objects.get(action="budget.shock_end")
    assert event.changes == {"ended_on": [None, "2024-06-30"]}
    context = client.get(SHOCKS).context
    assert (context["active"], [s.pk for s in context["ended"]]) == ([], [shock.pk])


def test_an_incomplete_designation_comes_back_with_its_errors(client, people):
    response = as_(client, people["anct"]).post(SHOCKS, {"decision": "D"})
    assert response.status_code == 400
    assert {"territory", "decided_on"} <= set(response.context["form"].errors)
    assert not ShockDesignation.objects.exists() and not AuditEvent.objects.filter(action__startswith="budget.shock")


def test_only_territories_of_the_current_phase_are_offered(client, people):
    form = as_(client, people["anct"]).get(SHOCKS).context["form"]
    assert {t.phase.slug for t in form.fields["territory"].queryset} <= {"2023-2027"}


@pytest.mark.parametrize("who", ["operator", "region84"])
def test_only_anct_designates_and_ends(client, people, who):
    shock = ShockDesignation.objects.create(
        territory=territory("ti-2701"), decided_on=datetime.date(2024, 1, 10), decision="D1", decided_by=people["anct"]
    )
    as_(client, people[who])
    data = {"territory": territory("ti-8401").pk, "decided_on": "2024-02-01", "decision": "D2"}
    assert client.post(SHOCKS, data).status_code == 403
    assert client.post(reverse("budget:shock_end", args=[shock.pk]), {"ended_on": "2024-06-30"}).status_code == 403
    assert ShockDesignation.objects.count() == 1 and ShockDesignation.objects.get().ended_on is None


def test_shocks_and_parameters_pages_queries_do_not_grow_with_data(client, people):
    ShockDesignation.objects.create(
        territory=territory("ti-2701"), decided_on=datetime.date(2024, 1, 10), decision="D0", decided_by=people["anct"]
    )
    Parameters.current()  # the row is created on the first visit ever
    as_(client, people["anct"])
    before = [queries(client, SHOCKS), queries(client, PARAMS)]
    for n in range(5):
        ShockDesignation.objects.create(
            territory=territory("ti-8401" if n % 2 else "ti-2701"),
            decided_on=datetime.date(2024, 1, 10),
            ended_on=datetime.date(2024, 2, 1) if n % 2 else None,
            decision=f"D{n + 1}",
            decided_by=people["operator"],
        )
    client.post(PARAMS, {"project_lead_state_share_max": "55", "project_lead_yearly_cap": "1", "revision": 1})
    assert [queries(client, SHOCKS), queries(client, PARAMS)] == before
