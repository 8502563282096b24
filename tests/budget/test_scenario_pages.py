"""The scenario pages (ANCT only): writing a scenario (French errors, 400, nothing written), editing it (stale edit:
409), its matrix, comparing scenarios (table, chart data, constant queries), applying one (confirmation, refusal)."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.budget.enums import ActionType, EnvelopeLevel, ScenarioRule
from pilote.budget.forms.scenarios import ScenarioForm
from pilote.budget.models import Commitment, Envelope, Scenario, ScenarioFixedAmount
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from tests.core.factories import user_with_role

from .factories import budget_year, territory
from .test_scenarios import INV, SK, M, add_territory, designate, four_lines, line, make_scenario

NNBSP = "\u202f"


def text(response) -> str:
    return html.unescape(response.content.decode())


def money(value: int) -> str:
    """An amount as the pages write it (narrow no-break spaces)."""
    return f"{value:,}".replace(",", NNBSP) + " €"


def form_data(**overrides) -> dict:
    data = {"year": "2024", "name": "Égalité", "ae_total": "100 000 000", "cp_total": "100000000", "notes": ""}
    for action_type in ActionType.values:
        data |= {
            f"{action_type}-share_percent": "25",
            f"{action_type}-share_amount": "",
            f"{action_type}-rule": ScenarioRule.PER_TERRITORY,
            f"{action_type}-reserve_percent": "0",
        }
    return data | overrides


# --- writing ------------------------------------------------------------------------------------------------------


def test_anct_creates_a_scenario_with_a_line_per_action_type(client, national):
    response = client.post(reverse("budget:scenario_create"), form_data(**{f"{INV}-reserve_percent": "12,5"}))
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("budget:scenario", args=[scenario.pk])
    assert scenario.ae_total == 100 * M and scenario.created_by == national
    assert scenario.lines.count() == 4
    assert scenario.lines.get(action_type=INV).reserve_percent == Decimal("12.5")
    event = AuditEvent.objects.get(action="budget.scenario_create")
    assert "Investissements productifs : 25,00\u202f%, part égale par territoire" in event.changes["lines"][1][1]


def test_fixed_amounts_are_kept_only_for_lines_split_by_fixed_amounts(client, national):
    data = form_data(
        **{
            f"{SK}-rule": ScenarioRule.FIXED,
            f"{SK}-fixe-84": "3 000 000",
            f"{SK}-fixe-27": "",
            f"{INV}-fixe-27": "5000",  # per territory: ignored
        }
    )
    assert client.post(reverse("budget:scenario_create"), data).status_code == 302
    assert list(ScenarioFixedAmount.objects.values_list("line__action_type", "region_code", "amount")) == [
        (SK, "84", 3 * M)
    ]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({f"{INV}-share_percent": "26"}, "Les parts des types d'action totalisent 101\u202f000\u202f000 €"),
        ({f"{INV}-share_percent": "", f"{INV}-share_amount": "26 000 000"}, "au-delà du total"),
        ({f"{INV}-share_amount": "1000"}, "Indiquez la part de « Investissements productifs » en % ou en euros, pas"),
        ({f"{INV}-share_percent": ""}, "Indiquez la part de « Investissements productifs » en % ou en euros."),
        ({"ae_total": "100 000 000,50"}, "Indiquez un montant en euros, sans centimes."),
        ({"cp_total": "-5"}, "Le total ne peut être négatif."),
        ({"year": "2031"}, "Aucune phase du programme ne couvre l'année 2031."),
        ({f"{INV}-reserve_percent": "120"}, "inférieure ou égale à 100"),
        (
            {f"{SK}-rule": ScenarioRule.FIXED, f"{SK}-fixe-84": "30 000 000"},
            "Les montants fixés pour « Compétences » totalisent 30\u202f000\u202f000 €",
        ),
    ],
)
def test_bad_input_is_shown_again_in_french_and_nothing_is_written(client, national, overrides, message):
    response = client.post(reverse("budget:scenario_create"), form_data(**overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert not Scenario.objects.exists()


def test_two_scenarios_of_a_year_cannot_share_a_name(client, national):
    make_scenario(name="Égalité")
    response = client.post(reverse("budget:scenario_create"), form_data())
    assert response.status_code == 400
    assert "Un scénario « Égalité » existe déjà pour 2024" in text(response)
    assert Scenario.objects.count() == 1


def test_a_copy_starts_from_the_values_of_another_scenario(client, national):
    source = make_scenario(name="Base", lines={**four_lines(), SK: line("10", ScenarioRule.FIXED, fixed={"27": 2 * M})})
    form = client.get(reverse("budget:scenario_create") + f"?copie={source.pk}").context["form"]
    assert form["name"].value() == "Base (copie)"
    assert form[f"{SK}-rule"].value() == ScenarioRule.FIXED
    assert form[f"{SK}-fixe-27"].value() == 2 * M


def test_a_reviewer_cannot_write_a_scenario(client, mini_world):
    client.force_login(user_with_role(Role.REGION_REVIEWER, region_code="84"))
    assert client.post(reverse("budget:scenario_create"), form_data()).status_code == 403
    assert not Scenario.objects.exists()


# --- editing ------------------------------------------------------------------------------------------------------


def test_an_edit_saves_a_new_version_and_its_audit_row(client, national):
    scenario = make_scenario(lines=four_lines())
    data = form_data(name="Égalité revue", revision="1", **{f"{INV}-share_percent": "30", f"{SK}-share_percent": "20"})
    assert client.post(reverse("budget:scenario_edit", args=[scenario.pk]), data).status_code == 302
    scenario.refresh_from_db()
    assert (scenario.name, scenario.revision) == ("Égalité revue", 2)
    assert scenario.lines.get(action_type=INV).share_percent == 30
    event = AuditEvent.objects.get(action="budget.scenario_change")
    assert event.changes["name"] == ["Scénario", "Égalité revue"]
    assert "lines" in event.changes


def test_a_stale_edit_is_refused_with_409_and_nothing_changes(client, national):
    scenario = make_scenario(lines=four_lines())
    Scenario.objects.filter(pk=scenario.pk).update(revision=2, name="Modifié par quelqu'un")
    data = form_data(name="Le mien", revision="1", **{f"{INV}-share_percent": "10"})
    response = client.post(reverse("budget:scenario_edit", args=[scenario.pk]), data)
    assert response.status_code == 409
    assert "a été modifié entre-temps" in text(response)
    scenario.refresh_from_db()
    assert scenario.name == "Modifié par quelqu'un"
    assert scenario.lines.get(action_type=INV).share_percent == 25
    assert not AuditEvent.objects.filter(action="budget.scenario_change").exists()


def test_an_applied_scenario_is_no_longer_edited(client, national):
    scenario = make_scenario(lines=four_lines())
    client.post(reverse("budget:scenario_apply", args=[scenario.pk]), {"confirm": "on", "revision": "1"})
    assert client.get(reverse("budget:scenario_edit", args=[scenario.pk])).status_code == 403


# --- reading ------------------------------------------------------------------------------------------------------


def test_the_list_shows_the_scenarios_and_their_state(client, national):
    make_scenario(name="Égalité", lines=four_lines())
    body = client.get(reverse("budget:scenarios")).content.decode()
    assert "Égalité" in body and "Brouillon" in body and money(100 * M) in body


def test_the_detail_shows_the_matrix_with_its_totals_and_the_chart(client, national):
    scenario = make_scenario(lines={**four_lines(), INV: line("25", reserve="10")})
    response = client.get(reverse("budget:scenario", args=[scenario.pk]))
    body = text(response)
    ae = response.context["tables"][0]
    assert [row["label"] for row in ae["regions"]] == ["Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté"]
    assert ae["regions"][0]["cells"] == [12_500_000, 11_250_000, 12_500_000, 12_500_000]
    assert ae["reserve"]["total"] == 2_500_000
    assert money(48_750_000) in body  # a région's total
    assert "<bar-chart" in body and "vendor/dsfr-chart/BarChart/BarChart.js" in body


def test_detail_queries_do_not_grow_with_territories_and_fixed_amounts(client, national):
    scenario = make_scenario(lines=four_lines())
    url = reverse("budget:scenario", args=[scenario.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 12):
        add_territory(f"ti-84{n:02d}", "84")
    designate("ti-8401", date(2024, 1, 1))
    bigger = make_scenario(
        name="Plus", lines={**four_lines(), SK: line("25", ScenarioRule.FIXED, fixed={"84": M, "27": M})}
    )
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("budget:scenario", args=[bigger.pk]))
    assert len(more.captured_queries) == len(few.captured_queries)


# --- comparing ----------------------------------------------------------------------------------------------------


def compare_url(*scenarios, measure="") -> str:
    query = "&".join(f"s={s.pk}" for s in scenarios) + (f"&mesure={measure}" if measure else "")
    return reverse("budget:scenario_compare") + "?" + query


def test_compare_shows_each_region_and_action_type_with_the_differences(client, national):
    equal = make_scenario(name="Égalité", lines={INV: line("50")})
    population = make_scenario(name="Population", lines={INV: line("50", ScenarioRule.PER_POPULATION)})
    response = client.get(compare_url(equal, population))
    assert response.status_code == 200
    body = text(response)
    rows = {row["label"]: row for row in response.context["comparison"].by_region}
    assert rows["Auvergne-Rhône-Alpes"]["values"] == [25 * M, Decimal(35_944_700)]
    assert "+" + money(10_944_700) in body and "-" + money(10_944_700) in body
    assert body.count("<bar-chart") == 2
    # The first scenario given is the reference.
    reversed_rows = client.get(compare_url(population, equal)).context["comparison"].by_region
    assert reversed_rows[0]["differences"] == [-10_944_700]


def test_compare_in_payment_appropriations(client, national):
    a = make_scenario(name="A", cp=40 * M, lines={INV: line("50")})
    b = make_scenario(name="B", cp=60 * M, lines={INV: line("50")})
    comparison = client.get(compare_url(a, b, measure="cp")).context["comparison"]
    assert comparison.by_action_type[1]["values"] == [20 * M, 30 * M]


@pytest.mark.parametrize(
    "query, message",
    [("s={pk}", "au moins deux"), ("s={pk}&s=999999", "Scénario inconnu"), ("s=x&s={pk}", "n'est pas un numéro")],
)
def test_compare_needs_two_known_scenarios(client, national, query, message):
    scenario = make_scenario(lines=four_lines())
    response = client.get(reverse("budget:scenario_compare") + "?" + query.format(pk=scenario.pk))
    assert response.status_code == 400
    assert message in text(response)


def test_compare_queries_do_not_grow_with_scenarios_lines_and_territories(client, national):
    first = [make_scenario(name=f"S{n}", lines={INV: line("50")}) for n in range(2)]
    client.get(compare_url(*first))
    with CaptureQueriesContext(connection) as few:
        client.get(compare_url(*first))
    for n in range(2, 12):
        add_territory(f"ti-27{n:02d}", "27")
    designate("ti-2701", date(2024, 2, 1))
    fixed = {"84": M, "27": 2 * M}
    more = [
        make_scenario(
            name=f"T{n}", year=2023 + n % 2, lines={**four_lines(), SK: line("10", ScenarioRule.FIXED, fixed=fixed)}
        )
        for n in range(5)
    ]
    with CaptureQueriesContext(connection) as many:
        response = client.get(compare_url(*first, *more))
    assert len(response.context["comparison"].allocations) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


# --- applying -----------------------------------------------------------------------------------------------------


def test_the_confirmation_page_shows_what_each_envelope_becomes(client, national):
    scenario = make_scenario(lines=four_lines())
    response = client.get(reverse("budget:scenario_apply", args=[scenario.pk]))
    steps = {step.label: step for step in response.context["steps"]}
    assert steps["Investissements productifs · Auvergne-Rhône-Alpes"].target == (12_500_000, 12_500_000)
    assert steps["Programme (total de l'année)"].current is None
    assert not Envelope.objects.exists()


def test_apply_without_confirmation_is_refused_and_writes_nothing(client, national):
    scenario = make_scenario(lines=four_lines())
    response = client.post(reverse("budget:scenario_apply", args=[scenario.pk]), {"revision": "1"})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer" in text(response)
    assert not Envelope.objects.exists()


def test_apply_creates_the_envelopes_and_the_scenario_page_shows_them(client, national):
    scenario = make_scenario(lines=four_lines())
    response = client.post(reverse("budget:scenario_apply", args=[scenario.pk]), {"confirm": "on", "revision": "1"})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "appliqué" in detail.content.decode()
    envelopes = detail.context["envelopes"]
    assert len(envelopes) == 1 + 4 + 8
    region = Envelope.objects.get(level=EnvelopeLevel.REGION, action_type=INV, region_code="27")
    assert region.ae_amount == 12_500_000


def test_apply_refused_by_an_envelope_already_used_shows_why_and_changes_nothing(client, national):
    tree = budget_year(2024)
    Commitment.objects.create_for(
        tree.regions[INV, "84"],
        actor=national,
        territory=territory("ti-8401"),
        amount=Decimal(900_000),
        label="Atelier",
        beneficiary_name="Entreprise",
        commit_on=date(2024, 5, 1),
    )
    scenario = make_scenario(lines={**four_lines(), INV: line(1 * M)})
    response = client.post(reverse("budget:scenario_apply", args=[scenario.pk]), {"confirm": "on", "revision": "1"})
    assert response.status_code == 400
    assert "Le scénario n'a pas été appliqué, aucune enveloppe n'a changé." in text(response)
    assert Envelope.objects.get(pk=tree.national[INV].pk).ae_amount == 20 * M
    assert Scenario.objects.get(pk=scenario.pk).applied_at is None


def test_apply_after_an_edit_made_since_the_confirmation_is_refused_with_409(client, national):
    scenario = make_scenario(lines=four_lines())
    Scenario.objects.filter(pk=scenario.pk).update(revision=3)
    response = client.post(reverse("budget:scenario_apply", args=[scenario.pk]), {"confirm": "on", "revision": "2"})
    assert response.status_code == 409
    assert not Envelope.objects.exists()


def test_an_edit_of_a_scenario_applied_since_the_form_was_opened_is_refused_with_409(client, national):
    scenario = make_scenario(lines=four_lines())
    url = reverse("budget:scenario_edit", args=[scenario.pk])
    client.get(url)
    Scenario.objects.filter(pk=scenario.pk).update(applied_at=timezone.now(), applied_by=national)
    # The edit page itself now refuses (403); a form posted from the page opened before is refused by its save.
    form = ScenarioForm(form_data(revision="1"), instance=scenario, actor=national)
    assert form.is_valid(), form.errors
    assert form.save() is None
    assert "a été appliqué : il ne se modifie plus" in form.conflict.message
    assert Scenario.objects.get(pk=scenario.pk).name == "Scénario"
