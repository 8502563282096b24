"""Forms of the budget pages. Each `save()` calls the model method that moves the money (and writes the audit row);
a budget rule that refuses the change becomes a non-field error in French (`RuleForm`), and nothing is written."""

import copy
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pilote.core.audit import field_changes, record
from pilote.core.forms import DsfrForm
from pilote.core.versioning import EditConflict, RevisionFormMixin, conflict_status, revise, row
from pilote.geography.models import Departement
from pilote.plans.models import FicheAction
from pilote.territories.models import Resolution, Territory

from .enums import ActionType, CofinancerKind, EnvelopeLevel, Sector, SkillsKind
from .models import Commitment, Envelope, Parameters, RuleBroken, ShockDesignation
from .money import euros, percent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CENT = Decimal("0.01")
DEFAULT_YEAR_AMOUNT = Decimal("100000000")


def money(
    label: str, *, required: bool = True, minimum: Decimal = Decimal("0"), max_digits: int = 14, **options
) -> forms.DecimalField:
    """Euros (or a percentage) typed the French way (« 1 500 000,50 »), stored with cents."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=2,
        min_value=minimum,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **options,
    )


def siren_is_valid(siren: str) -> bool:
    """Nine digits whose Luhn key is right (La Poste's 356000000 is the one known exception)."""
    if len(siren) != 9 or not siren.isdigit():
        return False
    if siren == "356000000":
        return True
    total = 0
    for index, char in enumerate(reversed(siren)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


class RuleForm(RevisionFormMixin, DsfrForm):
    """A form whose `save()` runs a model method: a refused rule becomes a non-field error; a stale edit
    (`EditConflict`, only on the forms that carry a revision) the conflict banner, through `refuse_stale`."""

    def apply(self, action):
        """`action()`'s result (True when it returns nothing), or None when a budget rule refused it: the form then
        holds the French reason."""
        try:
            result = action()
            return True if result is None else result
        except EditConflict as error:
            self.refuse_stale(error)
        except RuleBroken as error:
            self.add_error(None, error.messages)
        return None

    def refuse_stale(self, error: EditConflict) -> None:
        raise error  # only the forms that carry a revision can be stale

    @property
    def status(self) -> int:
        """HTTP status of the page showing this form: 409 after a stale edit, 400 with errors."""
        return conflict_status(self, 400 if self.errors else 200)


def _euros_cents(amount) -> str:
    return euros(amount, cents=True)


# --- envelopes ----------------------------------------------------------------------------------------------------


class YearOpenForm(RuleForm):
    year = forms.IntegerField(label="Année", min_value=2018, max_value=2100)
    ae = money("Autorisations d'engagement (€)", initial=DEFAULT_YEAR_AMOUNT)
    cp = money("Crédits de paiement (€)", initial=DEFAULT_YEAR_AMOUNT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1

    def save(self, actor) -> Envelope | None:
        data = self.cleaned_data
        return self.apply(
            lambda: Envelope.objects.open_year(year=data["year"], ae=data["ae"], cp=data["cp"], actor=actor)
        )


class DelegateForm(RuleForm):
    """A sub-envelope: an action type (from the programme), a région (from an action type) or a département (from a
    région), whichever the envelope's child level is; places already delegated are not offered."""

    PLACE_LABELS = {
        EnvelopeLevel.NATIONAL: "Type d'action",
        EnvelopeLevel.REGION: "Région",
        EnvelopeLevel.DEPARTEMENT: "Département",
    }

    place = forms.ChoiceField(label="Type d'action")
    ae = money("Autorisations d'engagement (€)")
    cp = money("Crédits de paiement (€)")
    label = forms.CharField(label="Libellé", max_length=200, required=False)

    def __init__(self, *args, envelope: Envelope, regions: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.envelope = envelope
        level = envelope.child_level
        self.fields["place"].label = self.PLACE_LABELS.get(level, "Lieu")
        self.fields["place"].choices = [("", "— Choisir —"), *self._places(level, regions)]

    def _places(self, level: str, regions: dict[str, str]) -> list[tuple[str, str]]:
        taken = set(self.envelope.children.values_list(self._key(level), flat=True))
        if level == EnvelopeLevel.NATIONAL:
            places = ActionType.choices
        elif level == EnvelopeLevel.REGION:
            places = [(code, f"{name} ({code})") for code, name in sorted(regions.items(), key=lambda r: r[1])]
        else:
            departements = Departement.objects.filter(
                edition_id=settings.DEFAULT_EDITION, region__code=self.envelope.region_code
            ).order_by("code")
            places = [(d.code, f"{d.name} ({d.code})") for d in departements]
        return [(value, label) for value, label in places if value not in taken]

    @staticmethod
    def _key(level: str) -> str:
        return {EnvelopeLevel.NATIONAL: "action_type", EnvelopeLevel.REGION: "region_code"}.get(
            level, "departement_code"
        )

    def save(self, actor) -> Envelope | None:
        data = self.cleaned_data
        place = {self._key(self.envelope.child_level): data["place"]}
        return self.apply(
            lambda: self.envelope.delegate(actor=actor, ae=data["ae"], cp=data["cp"], label=data["label"], **place)
        )


class EnvelopeAmountsForm(RuleForm):
    ae = money("Autorisations d'engagement (€)")
    cp = money("Crédits de paiement (€)")

    def __init__(self, *args, envelope: Envelope, **kwargs):
        super().__init__(*args, initial={"ae": envelope.ae_amount, "cp": envelope.cp_amount}, **kwargs)
        self.envelope = envelope
        self.carry_revision(envelope)

    def save(self, actor) -> bool:
        data, revision = self.cleaned_data, self.submitted_revision
        return bool(
            self.apply(lambda: self.envelope.set_amounts(actor=actor, ae=data["ae"], cp=data["cp"], revision=revision))
        )

    def refuse_stale(self, error: EditConflict) -> None:
        saved = Envelope.objects.get(pk=self.envelope.pk)
        rows = [
            row(self.fields["ae"].label, _euros_cents(self.cleaned_data["ae"]), _euros_cents(saved.ae_amount)),
            row(self.fields["cp"].label, _euros_cents(self.cleaned_data["cp"]), _euros_cents(saved.cp_amount)),
        ]
        self.refuse(error, saved, rows)


# --- commitments ----------------------------------------------------------------------------------------------------


def territories_for(envelope: Envelope, also: int | None = None) -> list[int]:
    """Ids of the territories a commitment on `envelope` may name: active in its year (`Territory.is_active_in`),
    whose current perimeter (default edition) touches the envelope's région or département. Two queries,
    whatever the number of territories."""
    territories = dict(Territory.objects.active_in(envelope.year).values_list("pk", "region_code"))
    if not envelope.region_code:
        return sorted({*territories, *([also] if also else [])})
    areas: dict[int, tuple[set, set]] = {}
    rows = (
        Resolution.objects.current()
        .filter(version__territory_id__in=territories)
        .values_list("version__territory_id", "regions", "departements")
    )
    for pk, regions, departements in rows:
        areas[pk] = (set(regions), set(departements))
    ids = []
    for pk, region_code in territories.items():
        regions, departements = areas.get(pk, (set(), set()))
        inside = (
            envelope.departement_code in departements
            if envelope.departement_code
            else envelope.region_code in regions | {region_code}
        )
        if inside:
            ids.append(pk)
    return sorted({*ids, *([also] if also else [])})


class FicheChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, fiche):
        return f"{fiche.territory.code} — {fiche.title}"


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
    fiche = FicheChoiceField(
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
        self.fields["fiche"].queryset = (
            FicheAction.objects.filter(territory_id__in=territory_ids)
            .select_related("territory")
            .order_by("territory__code", "id")
        )
        if envelope.action_type != ActionType.INVESTMENTS:
            del self.fields["sector"]
        if envelope.action_type != ActionType.SKILLS:
            del self.fields["skills_kind"]
        self.lines = CoFinancingFormSet(self.data if self.is_bound else None, initial=lines, prefix="cofinancement")

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
        rows.append(row(self.fields["amount"].label, _euros_cents(theirs), _euros_cents(stored)))
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
    return f"{CofinancerKind(kind).label} {funder} : {_euros_cents(amount)}".replace("  ", " ")


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


# --- rules' parameters and Rebond industriel --------------------------------------------------------------------------

PARAMETER_FIELDS = ["project_lead_state_share_max", "project_lead_yearly_cap"]


class ParametersForm(RuleForm):
    """The rules' parameters; a stale edit is refused (`pilote.core.versioning`)."""

    def __init__(self, *args, parameters: Parameters, **kwargs):
        initial = {name: getattr(parameters, name) for name in PARAMETER_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        self.parameters = parameters
        for name in PARAMETER_FIELDS:
            model_field = Parameters._meta.get_field(name)
            self.fields[name] = money(
                model_field.verbose_name.capitalize(),
                help_text=model_field.help_text,
                max_digits=model_field.max_digits,
                max_value=Decimal(100) if name == "project_lead_state_share_max" else None,
            )
        self.carry_revision(parameters)

    def save(self, actor) -> bool:
        return bool(self.apply(lambda: self._update(actor)))

    @transaction.atomic
    def _update(self, actor) -> Parameters:
        before = Parameters.objects.select_for_update().get(pk=self.parameters.pk)
        values = {name: self.cleaned_data[name] for name in PARAMETER_FIELDS}
        after = copy.copy(before)
        for name, value in values.items():
            setattr(after, name, value)
        changes = field_changes(before, after, PARAMETER_FIELDS)
        if not changes:  # nothing changed: no new revision, no audit row
            return before
        values["updated_at"] = timezone.now()
        revise(Parameters.objects, before.pk, self.submitted_revision, PARAMETERS_STALE, **values)
        after = Parameters.objects.get(pk=before.pk)  # as stored (cents), for the audit trail
        record(
            actor=actor, action="budget.parameters", obj=after, changes=field_changes(before, after, PARAMETER_FIELDS)
        )
        self.parameters = after
        return after

    def refuse_stale(self, error: EditConflict) -> None:
        saved = Parameters.objects.get(pk=self.parameters.pk)
        show = {"project_lead_state_share_max": lambda value: percent(value, 2), "project_lead_yearly_cap": euros}
        rows = [
            row(self.fields[name].label, show[name](self.cleaned_data[name]), show[name](getattr(saved, name)))
            for name in PARAMETER_FIELDS
        ]
        self.refuse(error, saved, rows)


PARAMETERS_STALE = (
    "Les paramètres ont été modifiés entre-temps par une autre personne : vos valeurs n'ont pas été enregistrées. "
    "Comparez vos valeurs et les valeurs enregistrées, puis enregistrez à nouveau pour confirmer les vôtres."
)


def current_phase_territories():
    """Territories active this year (`Territory.is_active_in`)."""
    return Territory.objects.active_in(timezone.localdate().year).select_related("phase").order_by("code")


class ShockForm(DsfrForm):
    territory = forms.ModelChoiceField(label="Territoire", queryset=Territory.objects.none())
    decided_on = forms.DateField(label="Décidé le", widget=DATE)
    decision = forms.CharField(
        label="Référence de la décision", max_length=300, help_text="Comité, arrêté, courrier de l'ANCT…"
    )
    reason = forms.CharField(label="Choc industriel constaté", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = current_phase_territories()

    @transaction.atomic
    def save(self, actor) -> ShockDesignation:
        shock = ShockDesignation.objects.create(decided_by=actor, **self.cleaned_data)
        changes = field_changes(None, shock, ["territory_id", "decided_on", "decision", "reason"])
        record(actor=actor, action="budget.shock_designate", obj=shock, changes=changes, **_shock_scope(shock))
        return shock


class ShockEndForm(DsfrForm):
    ended_on = forms.DateField(label="Fin de la désignation le", widget=DATE)

    def __init__(self, *args, shock: ShockDesignation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shock = shock

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if self.shock is not None and ended_on < self.shock.decided_on:
            raise forms.ValidationError(f"La fin ne peut précéder la décision du {self.shock.decided_on:%d/%m/%Y}.")
        return ended_on

    @transaction.atomic
    def save(self, actor) -> ShockDesignation:
        shock = self.shock
        before = shock.ended_on
        shock.ended_on = self.cleaned_data["ended_on"]
        shock.save(update_fields=["ended_on"])
        changes = {"ended_on": [before and str(before), str(shock.ended_on)]}
        record(actor=actor, action="budget.shock_end", obj=shock, changes=changes, **_shock_scope(shock))
        return shock


def _shock_scope(shock: ShockDesignation) -> dict:
    return {"phase_slug": shock.territory.phase.slug, "territory_code": shock.territory.code}
