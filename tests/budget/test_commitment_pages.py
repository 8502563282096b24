"""Commitment pages: a reviewer commits on their envelope and is refused, in French and with nothing written, when it
would overspend; co-financing lines and leverage; commit, cancel, edit (stale: 409), pay; the filtered list."""

import datetime

from django.urls import reverse

from pilote.budget.enums import ActionType, CofinancerKind, CommitmentStatus, Sector
from pilote.budget.models import CoFinancing, Commitment, Envelope, Payment
from pilote.core.models import AuditEvent
from tests.plans.factories import FicheFactory

from .factories import euros, territory
from .test_envelope_pages import as_, commit, fresh, queries

SIREN = "443061841"  # a valid Luhn key
PHASE = "2023-2027"


def form_data(territory_pk, amount="100 000", **extra) -> dict:
    data = {
        "territory": territory_pk,
        "label": "Ligne de production",
        "beneficiary_name": "Cycles de l'Ain",
        "beneficiary_siren": SIREN,
        "amount": amount,
        "mode": "engage",
        "decided_on": "2024-03-01",
        "cofinancement-TOTAL_FORMS": "3",
        "cofinancement-INITIAL_FORMS": "0",
        "cofinancement-MIN_NUM_FORMS": "0",
        "cofinancement-MAX_NUM_FORMS": "20",
    }
    return data | extra


def create_url(envelope) -> str:
    return reverse("budget:commitment_create", args=[envelope.pk])


# --- the key story: commit, and be refused when it would overspend ----------------------------------------------------


def test_a_regional_reviewer_commits_on_their_envelope_with_co_financing(client, region84, people):
    data = form_data(
        territory("ti-8401").pk,
        sector=Sector.BIKE,
        **{
            "cofinancement-0-kind": CofinancerKind.EPCI,
            "cofinancement-0-funder": "CC Alpha",
            "cofinancement-0-amount": "50 000",
            "cofinancement-1-kind": CofinancerKind.REGION,
            "cofinancement-1-amount": "25 000,50",
        },
    )
    response = as_(client, people["region84"]).post(create_url(region84), data)
    commitment = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("budget:commitment", args=[commitment.pk])
    assert (commitment.status, commitment.amount, commitment.sector) == ("engage", euros(100_000), Sector.BIKE)
    assert sorted(CoFinancing.objects.values_list("funder", "amount")) == [
        ("", euros("25000.50")),
        ("CC Alpha", euros(50_000)),
    ]
    assert fresh(region84).ae_used == euros(100_000)
    actions = set(AuditEvent.objects.filter(object_id=str(commitment.pk)).values_list("action", flat=True))
    assert {"budget.commitment_create", "budget.commitment_commit"} <= actions


def test_a_commitment_that_would_overspend_is_refused_in_french_and_writes_nothing(client, region84, people):
    commit(region84, people["anct"], 900_000)
    events, used = AuditEvent.objects.count(), fresh(region84).ae_used
    response = as_(client, people["region84"]).post(create_url(region84), form_data(territory("ti-8401").pk, "100 001"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="form-errors"' in body and "Engagement refusé : rien n'a été enregistré" in body
    assert "il reste 100\u202f000 € en autorisations d&#x27;engagement, 100\u202f001 € demandés" in body
    assert Commitment.objects.count() == 1
    assert AuditEvent.objects.count() == events and fresh(region84).ae_used == used


def test_a_proposed_commitment_uses_no_money_until_it_is_committed(client, region84, people):
    as_(client, people["region84"])
    response = client.post(create_url(region84), form_data(territory("ti-8401").pk, mode="propose", decided_on=""))
    commitment = Commitment.objects.get()
    assert response.status_code == 302 and commitment.status == CommitmentStatus.PROPOSED
    assert fresh(region84).ae_used == 0
    response = client.post(reverse("budget:commitment_commit", args=[commitment.pk]), {"decided_on": "2024-05-02"})
    assert response.status_code == 302
    assert Commitment.objects.get().status == CommitmentStatus.COMMITTED
    assert fresh(region84).ae_used == euros(100_000)


def test_committing_now_needs_a_decision_date_in_the_envelope_year(client, region84, people):
    as_(client, people["region84"])
    response = client.post(create_url(region84), form_data(territory("ti-8401").pk, decided_on=""))
    assert response.status_code == 400 and "decided_on" in response.context["form"].errors
    response = client.post(create_url(region84), form_data(territory("ti-8401").pk, decided_on="2025-01-10"))
    assert response.status_code == 400
    assert "La date de décision doit tomber en 2024" in response.content.decode()
    assert not Commitment.objects.exists()


def test_bad_input_comes_back_with_french_errors_and_writes_nothing(client, region84, people):
    data = form_data(
        territory("ti-2701").pk,  # in région 27 only: not offered on région 84's envelope
        "-5",
        beneficiary_siren="123456789",
        **{"cofinancement-0-funder": "Sans type ni montant"},
    )
    response = as_(client, people["region84"]).post(create_url(region84), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert {"territory", "amount", "beneficiary_siren"} <= set(form.errors)
    assert "clé de contrôle" in str(form.errors["beneficiary_siren"])
    assert form.lines.forms[0].errors.keys() == {"kind", "amount"}
    assert not Commitment.objects.exists()


def test_only_the_envelope_s_territories_and_their_fiches_are_offered(client, region84, people):
    mine = FicheFactory(territory=territory("ti-8401"))
    other = FicheFactory(territory=territory("ti-2701"))
    form = as_(client, people["region84"]).get(create_url(region84)).context["form"]
    assert [t.code for t in form.fields["territory"].queryset] == ["ti-8401"]
    assert list(form.fields["fiche"].queryset) == [mine]
    data = form_data(territory("ti-8401").pk, fiche=other.pk)
    assert client.post(create_url(region84), data).status_code == 400


def test_a_fiche_of_another_territory_is_refused(client, tree, people):
    national = tree.national[ActionType.INVESTMENTS]
    other = FicheFactory(territory=territory("ti-2701"))
    data = form_data(territory("ti-8401").pk, fiche=other.pk)
    response = as_(client, people["anct"]).post(create_url(national), data)
    assert response.status_code == 400
    assert "appartient à un autre territoire" in str(response.context["form"].errors["fiche"])


def test_the_sector_is_asked_for_investments_and_the_nature_for_skills_only(client, tree, people):
    as_(client, people["anct"])
    investments = client.get(create_url(tree.regions[ActionType.INVESTMENTS, "84"])).context["form"]
    skills = client.get(create_url(tree.regions[ActionType.SKILLS, "84"])).context["form"]
    leads = client.get(create_url(tree.regions[ActionType.PROJECT_LEADS, "84"])).context["form"]
    assert "sector" in investments.fields and "skills_kind" not in investments.fields
    assert "skills_kind" in skills.fields and "sector" not in skills.fields
    assert not {"sector", "skills_kind"} & set(leads.fields)


def test_who_may_commit_on_an_envelope(client, tree, people, region84):
    assert as_(client, people["operator"]).get(create_url(region84)).status_code == 403
    assert as_(client, people["region27"]).get(create_url(region84)).status_code == 404
    assert as_(client, people["team"]).get(create_url(region84)).status_code == 403
    programme = tree.programme
    assert as_(client, people["anct"]).get(create_url(programme)).status_code == 403


# --- detail, commit, cancel, edit, pay --------------------------------------------------------------------------------


def test_the_detail_shows_leverage_payments_and_a_french_history(client, region84, people):
    commitment = commit(
        region84,
        people["anct"],
        100_000,
        lines=[(CofinancerKind.EPCI, "CC Alpha", euros(150_000)), (CofinancerKind.STATE, "DETR", euros(50_000))],
    )
    commitment.pay(actor=people["anct"], amount=euros(30_000), paid_on=datetime.date(2024, 6, 1), reference="M-1")
    response = as_(client, people["region84"]).get(reverse("budget:commitment", args=[commitment.pk]))
    context, body = response.context, response.content.decode()
    assert context["leverage"] == euros("1.00")  # 150 000 € of partners for 150 000 € of the State
    assert "1,00 € de partenaires pour 1 € de l'État" in body
    assert "70\u202f000,00 €" in body and "M-1" in body
    assert [label for _, label, _ in context["history"]] == ["Paiement", "Engagé", "Engagement créé (proposé)"]
    created = {c.label: c.after for c in context["history"][-1][2]}
    assert created["Territoire"] == "Ain industriel (ti-8401)"  # by name and code, never by internal id
    assert created["Montant (AE, €)"] == "100 000,00 €"
    assert "SIREN du bénéficiaire" not in created and "Fiche action" not in created  # nothing said of empty fields
    assert reverse("territories:detail", kwargs={"phase": PHASE, "code": "ti-8401"}) in body


def test_cancelling_needs_a_confirmation_then_gives_the_money_back(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    url = reverse("budget:commitment_cancel", args=[commitment.pk])
    as_(client, people["region84"])
    response = client.post(url, {})
    assert response.status_code == 400 and "confirm" in response.context["cancel_form"].errors
    assert Commitment.objects.get().status == CommitmentStatus.COMMITTED
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Commitment.objects.get().status == CommitmentStatus.CANCELLED
    assert fresh(region84).ae_used == 0
    assert AuditEvent.objects.filter(action="budget.commitment_cancel").count() == 1


def test_a_paid_commitment_cannot_be_cancelled(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    commitment.pay(actor=people["anct"], amount=euros(10), paid_on=datetime.date(2024, 6, 1))
    response = as_(client, people["anct"]).post(
        reverse("budget:commitment_cancel", args=[commitment.pk]), {"confirm": "on"}
    )
    assert response.status_code == 400 and "ont déjà été payés" in response.content.decode()
    assert Commitment.objects.get().status == CommitmentStatus.COMMITTED


def edit_data(commitment, **changes) -> dict:
    data = form_data(
        commitment.territory_id,
        str(commitment.amount).replace(".", ","),
        revision=commitment.revision,
        label=commitment.label,
        beneficiary_name=commitment.beneficiary_name,
        beneficiary_siren="",
    )
    del data["mode"], data["decided_on"]
    return data | changes


def test_editing_a_committed_commitment_moves_the_difference_and_is_audited(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    data = edit_data(commitment, amount="150 000", label="Deux lignes")
    response = as_(client, people["region84"]).post(reverse("budget:commitment_edit", args=[commitment.pk]), data)
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.amount, commitment.label) == (euros(150_000), "Deux lignes")
    assert fresh(region84).ae_used == euros(150_000)
    event = AuditEvent.objects.get(action="budget.commitment_change")
    assert event.changes["label"] == ["Machine", "Deux lignes"]


def test_a_stale_commitment_edit_is_refused_with_409_and_the_saved_values(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    stale = edit_data(commitment, amount="120 000")
    commitment.change(
        actor=people["anct"],
        revision=commitment.revision,
        values={"amount": euros(110_000)},
        lines=[],
    )
    response = as_(client, people["region84"]).post(reverse("budget:commitment_edit", args=[commitment.pk]), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="conflict"' in body and "110\u202f000,00 €" in body
    assert Commitment.objects.get().amount == euros(110_000)


def test_an_increase_beyond_the_envelope_is_refused(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    data = edit_data(commitment, amount="1 000 001")
    response = as_(client, people["anct"]).post(reverse("budget:commitment_edit", args=[commitment.pk]), data)
    assert response.status_code == 400 and "dépasse l&#x27;enveloppe" in response.content.decode()
    assert Commitment.objects.get().amount == euros(100_000)


def test_a_payment_draws_the_year_s_cp_and_cannot_exceed_what_remains(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    url = reverse("budget:payment_create", args=[commitment.pk])
    as_(client, people["region84"])
    response = client.post(url, {"paid_on": "2024-07-01", "amount": "40 000", "reference": "Mandat 12"})
    assert response.status_code == 302
    assert Payment.objects.get().reference == "Mandat 12" and fresh(region84).cp_used == euros(40_000)
    response = client.post(url, {"paid_on": "2024-07-02", "amount": "60 001"})
    assert response.status_code == 400
    assert "il reste 60\u202f000 € à payer, 60\u202f001 € demandés" in response.content.decode()
    assert Payment.objects.count() == 1


def test_a_proposed_commitment_cannot_be_paid(client, region84, people):
    commitment = Commitment.objects.create_for(
        region84,
        actor=people["anct"],
        territory=territory("ti-8401"),
        amount=euros(10),
        label="A",
        beneficiary_name="B",
    )
    url = reverse("budget:payment_create", args=[commitment.pk])
    assert as_(client, people["region84"]).post(url, {"paid_on": "2024-07-01", "amount": "1"}).status_code == 403


def test_commitment_actions_trio(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000)
    for name in ("commitment_edit", "payment_create"):
        url = reverse(f"budget:{name}", args=[commitment.pk])
        assert as_(client, people["region84"]).get(url).status_code == 200
        assert as_(client, people["operator"]).get(url).status_code == 403
        assert as_(client, people["region27"]).get(url).status_code == 404
    url = reverse("budget:commitment_cancel", args=[commitment.pk])
    assert as_(client, people["operator"]).post(url, {"confirm": "on"}).status_code == 403
    assert as_(client, people["region27"]).post(url, {"confirm": "on"}).status_code == 404
    assert Commitment.objects.get().status == CommitmentStatus.COMMITTED


def test_commitment_detail_queries_do_not_grow_with_data(client, region84, people):
    commitment = commit(region84, people["anct"], 100_000, lines=[(CofinancerKind.EPCI, "CC", euros(1))])
    url = reverse("budget:commitment", args=[commitment.pk])
    as_(client, people["anct"])
    before = queries(client, url)
    for day in range(1, 6):
        commitment.pay(actor=people["anct"], amount=euros(100), paid_on=datetime.date(2024, 6, day))
    commitment.change(
        actor=people["anct"],
        revision=Commitment.objects.get().revision,
        values={"label": "Autre"},
        lines=[(CofinancerKind.EPCI, f"CC {n}", euros(n + 1)) for n in range(5)],
    )
    assert queries(client, url) == before


# --- the list --------------------------------------------------------------------------------------------------------


def test_the_list_shows_only_the_scope_and_filters(client, tree, people):
    commit(
        tree.regions[ActionType.INVESTMENTS, "84"],
        people["anct"],
        10,
        beneficiary_name="Ain SA",
        beneficiary_siren=SIREN,
    )
    commit(tree.regions[ActionType.SKILLS, "27"], people["anct"], 20, code="ti-2701", beneficiary_name="Jura SAS")
    url = reverse("budget:commitments")
    body = as_(client, people["region84"]).get(url).content.decode()
    assert "Ain SA" in body and "Jura SAS" not in body
    as_(client, people["anct"])
    names = lambda **q: [c.beneficiary_name for c, _ in client.get(url, q).context["rows"]]  # noqa: E731
    assert names() == ["Jura SAS", "Ain SA"]
    assert names(region="27") == ["Jura SAS"]
    assert names(action_type=ActionType.INVESTMENTS) == ["Ain SA"]
    assert names(siren="443 061") == ["Ain SA"]
    assert names(territory="jura") == ["Jura SAS"]
    assert names(status=CommitmentStatus.CANCELLED) == []
    assert names(year="2024") == ["Jura SAS", "Ain SA"]


def test_the_list_is_paginated_by_fifty_with_constant_queries(client, tree, people):
    envelope = tree.regions[ActionType.INVESTMENTS, "84"]
    commit(envelope, people["anct"], 1)
    url = reverse("budget:commitments")
    as_(client, people["region84"])
    before = queries(client, url)
    Commitment.objects.bulk_create(
        Commitment(
            envelope=envelope,
            year=2024,
            action_type=envelope.action_type,
            region_code="84",
            territory=territory("ti-8401"),
            label=f"Aide {n}",
            beneficiary_name=f"Entreprise {n}",
            amount=euros(1),
        )
        for n in range(60)
    )
    assert queries(client, url) == before
    response = client.get(url, {"page": 2})
    assert len(response.context["rows"]) == 11 and "Page précédente" in response.content.decode()


def test_an_unknown_filter_value_comes_back_with_an_error(client, tree, people):
    response = as_(client, people["anct"]).get(reverse("budget:commitments"), {"year": "1900"})
    assert response.status_code == 400 and "year" in response.context["form"].errors


def test_the_commitment_of_another_region_is_not_found(client, tree, people):
    commitment = commit(tree.regions[ActionType.SKILLS, "27"], people["anct"], 20, code="ti-2701")
    url = reverse("budget:commitment", args=[commitment.pk])
    assert as_(client, people["region84"]).get(url).status_code == 404
    assert as_(client, people["region27"]).get(url).status_code == 200
    assert as_(client, people["team"]).get(url).status_code == 403
    assert Envelope.objects.count() == 13


def _fiche_options(response) -> list[str]:
    import re

    html = response.content.decode()
    select = re.search(r'<select name="fiche".*?</select>', html, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", select)


def test_the_fiche_select_lists_the_chosen_territory_s_fiches_only(client, tree, people):
    national = tree.national[ActionType.INVESTMENTS]  # its area holds ti-8401 and ti-2701
    FicheFactory(territory=territory("ti-8401"), title="Campus des métiers")
    FicheFactory(territory=territory("ti-2701"), title="Fiche du Jura")
    as_(client, people["anct"])
    assert _fiche_options(client.get(create_url(national))) == []  # no territory chosen yet
    data = form_data(territory("ti-8401").pk, label="", choose_territory="1")
    response = client.post(create_url(national), data)
    assert response.status_code == 200  # a round trip to list the fiches: no error, nothing saved
    assert _fiche_options(response) == ["n° 1 — Campus des métiers"]
    assert 'value="Cycles de l&#x27;Ain"' in response.content.decode()  # what was typed stays
    assert not Commitment.objects.exists()


def test_the_edit_form_lists_the_fiches_of_the_commitment_s_territory(client, tree, people):
    national = tree.national[ActionType.INVESTMENTS]
    FicheFactory(territory=territory("ti-2701"), title="Fiche du Jura")
    FicheFactory(territory=territory("ti-8401"), title="Campus des métiers")
    as_(client, people["anct"])
    client.post(create_url(national), form_data(territory("ti-8401").pk))
    commitment = Commitment.objects.get()
    response = client.get(reverse("budget:commitment_edit", args=[commitment.pk]))
    assert _fiche_options(response) == ["n° 1 — Campus des métiers"]
