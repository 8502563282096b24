"""Forms that commit and pay: a commitment and its co-financing lines (create, edit), commit it, cancel it, pay."""

from decimal import Decimal

from django import forms

from pilote.core.forms import DsfrForm
from pilote.core.identifiers import siren_is_valid
from pilote.core.versioning import EditConflict, row
from pilote.plans.models import FicheAction
from pilote.territories.models import Territory

from ..enums import ActionType, CofinancerKind, Sector, SkillsKind
from ..models import Commitment, Envelope
from . import CENT, DATE, RuleForm, euros_cents, money


class CoFinancingLineForm(DsfrForm):
    """A partner's money; a line left empty is ignored."""

    kind = forms.ChoiceField(label="Cofinanceur", choices=[("", "—"), *CofinancerKind.choices], required=False)
    funder = forms.CharField(label="Nom du cofinanceur", max_length=200, required=False)
    amount = money("Montant (€)", required=False, minimum=CENT)

    def clean(self):
        data = super().clean()
        if data.get("funder") or data.get("amount") is not None or data.get("kind"):
            if not data.get("kind"):
                self.add_error("kind", "Choisissez le type de cofinanceur.")
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", "Indiquez le montant de ce cofinancement.")
        return data

    def line(self) -> tuple[str, str, Decimal] | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("kind") or data.get("amount") is None:
            return None
        return data["kind"], data["funder"], data["amount"]


CoFinancingFormSet = forms.formset_factory(CoFinancingLineForm, extra=3, max_num=20, validate_max=True)


class CommitmentForm(RuleForm):
    """The fields of a commitment and its co-financing lines (a formset). The territory is one of the envelope's area
    whose phase covers the year; the filière is asked for investments only, the nature for skills only."""

    territory = forms.ModelChoiceField(label="Territoire", queryset=Territory.objects.none())
    fiche = forms.ModelChoiceField(
        label="Fiche action du territoire",
        queryset=FicheAction.objects.none(),
        required=False,
        help_text="Facultatif : la fiche du plan d'actions que cet engagement finance.",
    )
    label = forms.CharField(label="Objet", max_length=300)
    beneficiary_name = forms.CharField(label="Bénéficiaire", max_length=200)
    beneficiary_siren = forms.CharField(
        label="SIREN du bénéficiaire", max_length=11, required=False, help_text="9 chiffres, facultatif."
    )
    amount = money("Montant (AE, €)", minimum=CENT)
    sector = forms.ChoiceField(label="Filière", choices=[("", "—"), *Sector.choices], required=False)
    skills_kind = forms.ChoiceField(
        label="Nature", choices=[("", "—"), *SkillsKind.choices], required=False, help_text="École de production…"
    )

    def __init__(self, *args, envelope: Envelope, territory_ids: list[int], lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.envelope = envelope
        self.fields["territory"].queryset = Territory.objects.filter(pk__in=territory_ids).order_by("code")
        self._offer_fiches(territory_ids)
        if envelope.action_type != ActionType.INVESTMENTS:
            del self.fields["sector"]
        if envelope.action_type != ActionType.SKILLS:
            del self.fields["skills_kind"]
        self.lines = CoFinancingFormSet(self.data if self.is_bound else None, initial=lines, prefix="cofinancement")

    def _offer_fiches(self, territory_ids: list[int]) -> None:
        """Any fiche of the area passes the field (`clean` names a fiche of another territory); the select offers the
        fiches of the chosen territory only — none until one is chosen (« Afficher les fiches », a round trip)."""
        field = self.fields["fiche"]
        field.queryset = FicheAction.objects.filter(territory_id__in=territory_ids)
        chosen = self._chosen_territory(territory_ids)
        fiches = FicheAction.objects.of(chosen).with_number().order_by("id") if chosen else []
        field.choices = [("", "—"), *((f.pk, f"n° {f.number} — {f.title}") for f in fiches)]
        if not chosen:
            field.help_text = (
                "Facultatif. Choisissez d'abord le territoire, puis « Afficher les fiches du territoire » en bas du "
                "formulaire."
            )

    def _chosen_territory(self, territory_ids: list[int]) -> int | None:
        value = self.data.get(self.add_prefix("territory")) if self.is_bound else self.initial.get("territory")
        chosen = int(value) if str(value or "").isdigit() else None
        return chosen if chosen in territory_ids else None

    @property
    def is_choosing_territory(self) -> bool:
        """« Afficher les fiches du territoire » was pressed: show the form again with its fiches, save nothing."""
        return self.is_bound and "choose_territory" in self.data

    def unbound_copy(self, **kwargs):
        """The same form, unbound, filled with what was typed: shown after « Afficher les fiches » without errors."""
        typed = {name: self.add_prefix(name) for name in self.fields}
        initial = {name: self.data[key] for name, key in typed.items() if key in self.data}
        return type(self)(None, initial=initial, **kwargs)

    def is_valid(self) -> bool:
        results = [super().is_valid(), self.lines.is_valid()]
        return all(results)

    def clean_beneficiary_siren(self):
        siren = "".join(self.cleaned_data["beneficiary_siren"].split())
        if siren and not siren_is_valid(siren):
            raise forms.ValidationError(
                "Ce SIREN n'est pas valide : 9 chiffres dont le dernier est une clé de contrôle."
            )
        return siren

    def clean(self):
        data = super().clean()
        fiche, territory = data.get("fiche"), data.get("territory")
        if fiche and territory and fiche.territory_id != territory.pk:
            self.add_error("fiche", "Cette fiche action appartient à un autre territoire.")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        names = ["territory", "fiche", "label", "beneficiary_name", "beneficiary_siren", "amount"]
        return {name: data[name] for name in names} | {
            "sector": data.get("sector", ""),
            "skills_kind": data.get("skills_kind", ""),
        }

    def co_lines(self) -> list[tuple[str, str, Decimal]]:
        return [line for form in self.lines.forms if (line := form.line()) is not None]


class CommitmentCreateForm(CommitmentForm):
    PROPOSE, COMMIT = "propose", "engage"

    mode = forms.ChoiceField(
        label="Enregistrement",
        choices=[(PROPOSE, "Enregistrer comme proposé"), (COMMIT, "Engager maintenant")],
        initial=PROPOSE,
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label="Date de décision", required=False, widget=DATE, help_text="Obligatoire pour engager maintenant."
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.COMMIT and not data.get("decided_on"):
            self.add_error("decided_on", "Indiquez la date de la décision d'engagement.")
        return data

    def save(self, actor) -> Commitment | None:
        commit_on = self.cleaned_data["decided_on"] if self.cleaned_data["mode"] == self.COMMIT else None
        return self.apply(
            lambda: Commitment.objects.create_for(
                self.envelope, actor=actor, lines=self.co_lines(), commit_on=commit_on, **self.values()
            )
        )


class CommitmentEditForm(CommitmentForm):
    def __init__(self, *args, commitment: Commitment, **kwargs):
        initial = {
            "territory": commitment.territory_id,
            "fiche": commitment.fiche_id,
            "label": commitment.label,
            "beneficiary_name": commitment.beneficiary_name,
            "beneficiary_siren": commitment.beneficiary_siren,
            "amount": commitment.amount,
            "sector": commitment.sector,
            "skills_kind": commitment.skills_kind,
        }
        lines = [{"kind": c.kind, "funder": c.funder, "amount": c.amount} for c in commitment.cofinancing.all()]
        super().__init__(*args, envelope=commitment.envelope, initial=initial, lines=lines, **kwargs)
        self.commitment = commitment
        self.carry_revision(commitment)

    def save(self, actor) -> bool:
        revision = self.submitted_revision
        change = self.commitment.change
        lines = self.co_lines()
        return bool(self.apply(lambda: change(actor=actor, revision=revision, values=self.values(), lines=lines)))

    def refuse_stale(self, error: EditConflict) -> None:
        saved = Commitment.objects.select_related("territory", "fiche").get(pk=self.commitment.pk)
        rows = self.field_rows(saved, [name for name in COMMITMENT_TEXT_FIELDS if name in self.fields])
        theirs, stored = self.cleaned_data["amount"], saved.amount
        rows.append(row(self.fields["amount"].label, euros_cents(theirs), euros_cents(stored)))
        stored_lines = saved.cofinancing.values_list("kind", "funder", "amount")
        theirs, stored = [_co_line(*line) for line in self.co_lines()], [_co_line(*line) for line in stored_lines]
        rows.append(row("Cofinancements", "\n".join(theirs), "\n".join(stored)))
        self.refuse(error, saved, rows)


COMMITMENT_TEXT_FIELDS = [
    "territory",
    "fiche",
    "label",
    "beneficiary_name",
    "beneficiary_siren",
    "sector",
    "skills_kind",
]


def _co_line(kind: str, funder: str, amount) -> str:
    return f"{CofinancerKind(kind).label} {funder} : {euros_cents(amount)}".replace("  ", " ")


class CommitForm(RuleForm):
    decided_on = forms.DateField(label="Date de décision", widget=DATE)

    def save(self, commitment: Commitment, actor) -> bool:
        decided_on = self.cleaned_data["decided_on"]
        return bool(self.apply(lambda: commitment.commit(actor=actor, decided_on=decided_on)))


class CancelForm(RuleForm):
    confirm = forms.BooleanField(
        label="Je confirme l'annulation de cet engagement (les autorisations d'engagement reviennent à l'enveloppe)"
    )

    def save(self, commitment: Commitment, actor) -> bool:
        return bool(self.apply(lambda: commitment.cancel(actor=actor)))


class PaymentForm(RuleForm):
    paid_on = forms.DateField(label="Date du paiement", widget=DATE)
    amount = money("Montant (CP, €)", minimum=CENT)
    reference = forms.CharField(label="Référence", max_length=100, required=False, help_text="N° de mandat, etc.")

    def save(self, commitment: Commitment, actor):
        data = self.cleaned_data
        return self.apply(
            lambda: commitment.pay(
                actor=actor, amount=data["amount"], paid_on=data["paid_on"], reference=data["reference"]
            )
        )
