"""The years and envelope pages: ANCT opens a year, the tree by action type, région (by name) and département, an
envelope's figures, delegations and amounts (stale edits refused with 409), and who reaches what."""

import datetime

from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.budget.enums import ActionType, EnvelopeLevel, Sector
from pilote.budget.models import Commitment, Envelope
from pilote.core.models import AuditEvent

from .factories import budget_year, euros, territory

PHASE = "2023-2027"


def as_(client, user):
    client.force_login(user)
    return client


def fresh(envelope) -> Envelope:
    return Envelope.objects.get(pk=envelope.pk)


def commit(envelope, actor, amount, *, code="ti-8401", **fields):
    fields.setdefault("label", "Machine")
    fields.setdefault("beneficiary_name", "Entreprise")
    return Commitment.objects.create_for(
        envelope,
        actor=actor,
        territory=territory(code),
        amount=euros(amount),
        commit_on=datetime.date(2024, 3, 1),
        **fields,
    )


def queries(client, url: str) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


# --- years ------------------------------------------------------------------------------------------------------------


def test_anct_sees_the_programme_year_by_year(client, tree, people):
    response = as_(client, people["anct"]).get(reverse("budget:years"))
    assert response.status_code == 200
    (row,) = response.context["years"]
    assert (row["year"], row["ae_amount"], row["ae_used"]) == (2024, euros(100_000_000), euros(80_000_000))
    assert "Ouvrir une année" in response.content.decode()


def test_a_regional_reviewer_sees_the_sum_of_their_envelopes_and_no_opening_form(client, tree, people):
    response = as_(client, people["region84"]).get(reverse("budget:years"))
    (row,) = response.context["years"]
    assert row["ae_amount"] == euros(4_000_000)  # four action types of 1 M€ in région 84
    assert response.context["form"] is None
    assert "Ouvrir une année" not in response.content.decode()


def test_anct_opens_a_year_with_french_amounts_and_an_audit_row(client, tree, people):
    data = {"year": "2025", "ae": "90 000 000", "cp": "80 000 000,50"}
    response = as_(client, people["anct"]).post(reverse("budget:year_open"), data)
    assert response.status_code == 302 and response["Location"] == reverse("budget:year", args=[2025])
    programme = Envelope.objects.get(year=2025, level=EnvelopeLevel.PROGRAMME)
    assert (programme.ae_amount, programme.cp_amount) == (euros(90_000_000), euros("80000000.50"))
    assert AuditEvent.objects.filter(action="budget.year_open", object_id=str(programme.pk)).exists()


def test_opening_a_year_twice_is_refused_in_french_and_writes_nothing(client, tree, people):
    events = AuditEvent.objects.count()
    data = {"year": "2024", "ae": "1", "cp": "1"}
    response = as_(client, people["anct"]).post(reverse("budget:year_open"), data)
    assert response.status_code == 400
    assert "Le budget 2024 est déjà ouvert." in response.content.decode()
    assert Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME).count() == 1
    assert AuditEvent.objects.count() == events


def test_an_invalid_opening_form_comes_back_with_its_errors(client, tree, people):
    response = as_(client, people["anct"]).post(reverse("budget:year_open"), {"year": "année", "ae": "-5", "cp": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"year", "ae", "cp"}
    assert Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME).count() == 1


def test_only_anct_opens_a_year(client, tree, people):
    data = {"year": "2025", "ae": "1", "cp": "1"}
    assert as_(client, people["region84"]).post(reverse("budget:year_open"), data).status_code == 403
    assert as_(client, people["operator"]).post(reverse("budget:year_open"), data).status_code == 403
    assert not Envelope.objects.filter(year=2025).exists()


# --- a year's tree ----------------------------------------------------------------------------------------------------


def test_the_year_tree_goes_from_the_programme_to_regions_by_name(client, tree, people):
    response = as_(client, people["anct"]).get(reverse("budget:year", args=[2024]))
    rows = response.context["rows"]
    assert rows[0].name == "Programme 2024" and rows[0].depth == 0
    assert len(rows) == 1 + 4 + 8
    names = [row.name for row in rows]
    assert "Investissements productifs · Auvergne-Rhône-Alpes" in names
    body = response.content.decode()
    assert "Bourgogne-Franche-Comté" in body and "80,0" in body  # 80 % of the programme's AE delegated


def test_a_regional_reviewer_sees_only_the_envelopes_of_their_region(client, tree, people):
    region = tree.regions[ActionType.SKILLS, "84"]
    region.delegate(actor=people["anct"], ae=euros(100), cp=euros(100), departement_code="01")
    response = as_(client, people["region84"]).get(reverse("budget:year", args=[2024]))
    rows = response.context["rows"]
    assert {row.envelope.region_code for row in rows} == {"84"}
    assert [row.depth for row in rows if row.envelope.level == EnvelopeLevel.DEPARTEMENT] == [1]
    assert "Programme 2024" not in response.content.decode()


def test_a_year_never_opened_is_not_found(client, tree, people):
    assert as_(client, people["anct"]).get(reverse("budget:year", args=[2031])).status_code == 404


def test_year_and_years_pages_queries_do_not_grow_with_data(client, tree, people):
    as_(client, people["anct"])
    urls = [reverse("budget:years"), reverse("budget:year", args=[2024])]
    before = [queries(client, url) for url in urls]
    budget_year(2025, actor=people["anct"])
    for action_type in ActionType.values:
        tree.regions[action_type, "84"].delegate(
            actor=people["anct"], ae=euros(10), cp=euros(10), departement_code="01"
        )
    assert [queries(client, url) for url in urls] == before


# --- one envelope ---------------------------------------------------------------------------------------------------


def test_an_envelope_page_shows_its_figures_children_and_commitments(client, tree, people):
    national = tree.national[ActionType.INVESTMENTS]
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    commitment = commit(region, people["anct"], 250_000, sector=Sector.BIKE, is_demo=True)
    response = as_(client, people["anct"]).get(reverse("budget:envelope", args=[region.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("budget:commitment", args=[commitment.pk]) in body
    assert "Démonstration" in body and "250\u202f000 €" in body
    response = client.get(reverse("budget:envelope", args=[national.pk]))
    assert [row.name for row in response.context["children"]] == [
        "Investissements productifs · Bourgogne-Franche-Comté",
        "Investissements productifs · Auvergne-Rhône-Alpes",
    ]


def test_buttons_follow_the_permissions(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope", args=[region.pk])
    body = as_(client, people["region84"]).get(url).content.decode()
    assert reverse("budget:commitment_create", args=[region.pk]) in body
    assert reverse("budget:envelope_delegate", args=[region.pk]) in body
    assert reverse("budget:envelope_edit", args=[region.pk]) not in body  # ANCT delegated it: ANCT changes it
    body = as_(client, people["operator"]).get(url).content.decode()
    assert 'id="actions"' not in body


def test_envelope_page_queries_do_not_grow_with_data(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    commit(region, people["anct"], 1_000)
    as_(client, people["anct"])
    url = reverse("budget:envelope", args=[region.pk])
    before = queries(client, url)
    for _ in range(5):
        commit(region, people["anct"], 1_000, code="ti-8401", sector=Sector.TEXTILE)
    region.delegate(actor=people["anct"], ae=euros(10), cp=euros(10), departement_code="01")
    assert queries(client, url) == before


def test_envelopes_outside_the_scope_are_not_found_and_teams_are_forbidden(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope", args=[region.pk])
    assert as_(client, people["region27"]).get(url).status_code == 404
    assert as_(client, people["dep01"]).get(url).status_code == 404
    assert as_(client, people["team"]).get(url).status_code == 403
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("core:login"))


# --- delegate -------------------------------------------------------------------------------------------------------


def test_a_regional_reviewer_delegates_to_a_departement_of_their_region(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope_delegate", args=[region.pk])
    response = as_(client, people["region84"]).get(url)
    assert [value for value, _ in response.context["form"].fields["place"].choices] == ["", "01"]
    response = client.post(url, {"place": "01", "ae": "300 000", "cp": "200 000", "label": "Ain"})
    assert response.status_code == 302
    child = Envelope.objects.get(level=EnvelopeLevel.DEPARTEMENT, departement_code="01")
    assert (child.ae_amount, child.cp_amount, child.parent_id) == (euros(300_000), euros(200_000), region.pk)
    assert fresh(region).ae_used == euros(300_000)
    assert AuditEvent.objects.filter(action="budget.envelope_delegate", object_id=str(child.pk)).exists()


def test_a_delegation_beyond_the_envelope_is_refused_with_the_reason(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope_delegate", args=[region.pk])
    response = as_(client, people["region84"]).post(url, {"place": "01", "ae": "1 000 001", "cp": "1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="form-errors"' in body and "dépasse l&#x27;enveloppe" in body
    assert not Envelope.objects.filter(level=EnvelopeLevel.DEPARTEMENT).exists()
    assert fresh(region).ae_used == 0


def test_anct_delegates_a_region_from_an_action_type(client, people):
    programme = Envelope.objects.open_year(year=2026, ae=euros(100), cp=euros(100), actor=people["anct"])
    national = programme.delegate(actor=people["anct"], ae=euros(50), cp=euros(50), action_type=ActionType.REBOND)
    url = reverse("budget:envelope_delegate", args=[national.pk])
    response = as_(client, people["anct"]).post(url, {"place": "27", "ae": "20", "cp": "10"})
    assert response.status_code == 302
    assert Envelope.objects.get(level=EnvelopeLevel.REGION, region_code="27").ae_amount == euros(20)


def test_a_regional_reviewer_cannot_delegate_an_action_type_or_another_region(client, tree, people):
    national = tree.national[ActionType.INVESTMENTS]
    other = tree.regions[ActionType.INVESTMENTS, "27"]
    as_(client, people["region84"])
    assert client.get(reverse("budget:envelope_delegate", args=[national.pk])).status_code == 404
    assert client.post(reverse("budget:envelope_delegate", args=[other.pk]), {}).status_code == 404
    as_(client, people["operator"])
    response = client.post(reverse("budget:envelope_delegate", args=[other.pk]), {"place": "39", "ae": "1", "cp": "1"})
    assert response.status_code == 403
    assert not Envelope.objects.filter(level=EnvelopeLevel.DEPARTEMENT).exists()


def test_an_empty_delegation_comes_back_with_its_errors(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    response = as_(client, people["anct"]).post(reverse("budget:envelope_delegate", args=[region.pk]), {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"place", "ae", "cp"}


# --- amounts ----------------------------------------------------------------------------------------------------------


def test_anct_changes_the_amounts_of_an_envelope_it_delegated(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope_edit", args=[region.pk])
    revision = as_(client, people["anct"]).get(url).context["form"].initial["revision"]
    response = client.post(url, {"ae": "1 500 000", "cp": "1 200 000", "revision": revision})
    assert response.status_code == 302
    region = fresh(region)
    assert (region.ae_amount, region.cp_amount, region.revision) == (euros(1_500_000), euros(1_200_000), revision + 1)
    assert AuditEvent.objects.filter(action="budget.envelope_amounts", object_id=str(region.pk)).exists()


def test_a_stale_amounts_form_is_refused_with_409_and_the_saved_values(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope_edit", args=[region.pk])
    as_(client, people["anct"])
    stale = region.revision
    region.set_amounts(actor=people["anct"], ae=euros(700_000), cp=euros(600_000), revision=stale)
    response = client.post(url, {"ae": "2 000 000", "cp": "2 000 000", "revision": stale})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="conflict"' in body and "700\u202f000,00 €" in body and "600\u202f000,00 €" in body
    assert response.context["form"].initial["revision"] == stale + 1  # the form starts again from what is saved
    assert fresh(region).ae_amount == euros(700_000)


def test_amounts_below_what_is_used_are_refused(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    commit(region, people["anct"], 500_000)
    url = reverse("budget:envelope_edit", args=[region.pk])
    response = as_(client, people["anct"]).post(url, {"ae": "100", "cp": "100", "revision": fresh(region).revision})
    assert response.status_code == 400
    assert "ne peut descendre en dessous" in response.content.decode()
    assert fresh(region).ae_amount == euros(1_000_000)


def test_a_regional_reviewer_cannot_change_what_anct_delegated_to_them(client, tree, people):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    url = reverse("budget:envelope_edit", args=[region.pk])
    response = as_(client, people["region84"]).post(url, {"ae": "2", "cp": "2", "revision": region.revision})
    assert response.status_code == 403
    assert fresh(region).ae_amount == euros(1_000_000)


# --- navigation -------------------------------------------------------------------------------------------------------


def test_the_budget_is_in_the_menu_and_in_mon_espace_for_its_viewers_only(client, tree, people):
    for who, shown in (("region84", True), ("operator", True), ("team", False)):
        body = as_(client, people[who]).get(reverse("core:espace")).content.decode()
        assert ('id="budget-link"' in body) is shown, who
        assert (f'href="{reverse("budget:dashboard")}"' in body) is shown, who


def test_the_budget_sub_navigation_names_every_page(client, tree, people):
    body = as_(client, people["anct"]).get(reverse("budget:years")).content.decode()
    for label in ("Tableau de bord", "Enveloppes", "Engagements", "Scénarios", "Rebond industriel", "Paramètres"):
        assert f">{label}</a>" in body
    assert 'href="/espace/budget/"' in body and 'href="/espace/budget/scenarios/"' in body
