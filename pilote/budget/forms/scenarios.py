"""Forms of the allocation scenarios: writing one (with a line per action type and the régions' fixed amounts),
choosing scenarios to compare, confirming an application. Writes happen in `save()`, with their audit row."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import transaction

from pilote.core.audit import field_changes, record
from pilote.core.forms import DsfrForm, DsfrModelForm
from pilote.core.versioning import EditConflict, RevisionFormMixin, revise, row
from pilote.targeting.enums import MethodStatus
from pilote.targeting.models import MethodVersion
from pilote.territories.figures import region_names
from pilote.territories.models import Phase

from ..enums import ActionType, ScenarioRule
from ..models import RuleBroken, Scenario, ScenarioFixedAmount, ScenarioLine
from ..money import euros, percent
from ..scenarios import MEASURE_LABELS, check_shares

SCENARIO_FIELDS = ["year", "name", "ae_total", "cp_total", "notes", "fragility_method"]
LINE_FIELDS = ["share_percent", "share_amount", "rule", "reserve_percent"]
WHOLE_EUROS = "Indiquez un montant en euros, sans centimes."


def _french_number(field: forms.DecimalField) -> None:
    """French input ("12 000", "0,5") on a text input: a number input would refuse the comma."""
    field.localize = True
    attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("step", "min", "max")}
    field.widget = forms.TextInput(attrs={"class": "fr-input", **attrs, "inputmode": "decimal"})
    field.widget.is_localized = True


def _whole(amount: Decimal | None) -> Decimal | None:
    """Amounts are whole euros: shown without ",00"."""
    return None if amount is None else amount.quantize(Decimal(1))


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise forms.ValidationError("Le total ne peut être négatif.")
    return amount


def _percent_field(label: str, **options) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, **options
    )


def _money_field(label: str, **options) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0, required=False, **options)


class ScenarioForm(RevisionFormMixin, DsfrModelForm):
    """A scenario with one line per action type (share, rule, national reserve) and, for the lines split by fixed
    amounts, an amount per région. Fields of a line are named `<action type>-<field>`, fixed amounts
    `<action type>-fixe-<région>`.

    A stale edit, or one of a scenario applied since, is refused (`pilote.core.versioning`)."""

    class Meta:
        model = Scenario
        fields = SCENARIO_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor, source: Scenario | None = None, **kwargs):
        """`source`: a scenario whose values fill a new one (a copy)."""
        if source is not None:
            kwargs["initial"] = {name: getattr(source, name) for name in SCENARIO_FIELDS}
            kwargs["initial"]["name"] = f"{source.name} (copie)"
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.regions = sorted(region_names(settings.DEFAULT_EDITION).items(), key=lambda item: (item[1], item[0]))
        self.carry_revision(self.instance)
        self.fields["fragility_method"].queryset = scored_method_versions()
        self.fields["fragility_method"].help_text = (
            "Pour les types d'action répartis selon l'indice de fragilité : la version de la méthode dont les derniers "
            "scores pèsent les territoires."
        )
        self._add_line_fields(source or (self.instance if self.instance.pk else None))
        for name in ("ae_total", "cp_total"):
            self.fields[name].required = True
            self.initial[name] = _whole(self.initial.get(name, self.fields[name].initial))
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                _french_number(field)

    def _add_line_fields(self, filled_from: Scenario | None) -> None:
        lines = {line.action_type: line for line in filled_from.lines.all()} if filled_from else {}
        for action_type, label in ActionType.choices:
            line = lines.get(action_type)
            fixed = {f.region_code: f.amount for f in line.fixed_amounts.all()} if line else {}
            prefix = f"{action_type}-"
            # Short labels: the fieldset's legend names the action type.
            self.fields[prefix + "share_percent"] = _percent_field("Part du total (%)")
            self.fields[prefix + "share_amount"] = _money_field("ou montant (€, AE)")
            self.fields[prefix + "rule"] = forms.ChoiceField(
                label="Répartition entre régions", choices=ScenarioRule.choices
            )
            self.fields[prefix + "reserve_percent"] = _percent_field(
                "Réserve nationale (% de la part)", initial=Decimal(0)
            )
            for code, name in self.regions:
                self.fields[f"{prefix}fixe-{code}"] = _money_field(f"{label} — {name} (€, AE)")
                self.fields[f"{prefix}fixe-{code}"].initial = _whole(fixed.get(code))
            if line:
                for name in LINE_FIELDS:
                    self.fields[prefix + name].initial = getattr(line, name)
                self.fields[prefix + "share_amount"].initial = _whole(line.share_amount)

    # --- what the template shows ---
    def line_groups(self) -> list[dict]:
        return [
            {"label": label, "fields": [self[f"{action_type}-{name}"] for name in LINE_FIELDS]}
            for action_type, label in ActionType.choices
        ]

    def fixed_rows(self) -> list[dict]:
        return [
            {"name": name, "fields": [self[f"{action_type}-fixe-{code}"] for action_type in ActionType.values]}
            for code, name in self.regions
        ]

    # --- validation ---
    def clean_year(self):
        year = self.cleaned_data["year"]
        if not Phase.objects.filter(starts_on_year__lte=year, ends_on_year__gte=year).exists():
            raise forms.ValidationError(f"Aucune phase du programme ne couvre l'année {year}.")
        return year

    def clean_ae_total(self):
        return _not_negative(self.cleaned_data["ae_total"])

    def clean_cp_total(self):
        return _not_negative(self.cleaned_data["cp_total"])

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            value = data.get(name)
            is_money = isinstance(field, forms.DecimalField) and "percent" not in name
            if is_money and value is not None and value != value.to_integral_value():
                self.add_error(name, WHOLE_EUROS)
        for action_type, label in ActionType.choices:
            self._clean_share(action_type, label, data)
        uses_index = any(data.get(f"{a}-rule") == ScenarioRule.PER_FRAGILITY_INDEX for a in ActionType.values)
        if uses_index and not data.get("fragility_method"):
            self.add_error(
                "fragility_method",
                "Choisissez la version de l'indice de fragilité : un type d'action est réparti selon l'indice.",
            )
        year, name = data.get("year"), data.get("name")
        if year and name and Scenario.objects.filter(year=year, name=name).exclude(pk=self.instance.pk).exists():
            self.add_error("name", f"Un scénario « {name} » existe déjà pour {year} : choisissez un autre nom.")
        if not self.errors:
            try:
                check_shares(
                    data["ae_total"], [(line, sum(fixed.values(), Decimal(0))) for line, fixed in self.lines()]
                )
            except RuleBroken as error:
                self.add_error(None, error.messages)
        return data

    def _clean_share(self, action_type: str, label: str, data: dict) -> None:
        share_percent, share_amount = data.get(f"{action_type}-share_percent"), data.get(f"{action_type}-share_amount")
        if share_percent is None and share_amount is None:
            self.add_error(f"{action_type}-share_percent", f"Indiquez la part de « {label} » en % ou en euros.")
        elif share_percent is not None and share_amount is not None:
            self.add_error(
                f"{action_type}-share_percent", f"Indiquez la part de « {label} » en % ou en euros, pas les deux."
            )
        if data.get(f"{action_type}-reserve_percent") is None:
            data[f"{action_type}-reserve_percent"] = Decimal(0)

    def lines(self) -> list[tuple[ScenarioLine, dict[str, Decimal]]]:
        """The lines as cleaned, unsaved, with their fixed amounts per région (only for the « montants fixés » rule)."""
        data, result = self.cleaned_data, []
        for action_type in ActionType.values:
            line = ScenarioLine(action_type=action_type, **{n: data[f"{action_type}-{n}"] for n in LINE_FIELDS})
            fixed = {}
            if line.rule == ScenarioRule.FIXED:
                fixed = {code: data[f"{action_type}-fixe-{code}"] for code, _ in self.regions}
                fixed = {code: amount for code, amount in fixed.items() if amount}
            result.append((line, fixed))
        return result

    # --- writing ---
    def save(self, commit=True) -> Scenario | None:
        """Create or update the scenario and its lines; None (and `conflict` set) when the edit was made on a stale
        revision or the scenario has been applied since. An edit that changes nothing writes nothing."""
        try:
            with transaction.atomic():
                return self._update() if self.instance.pk else self._create()
        except EditConflict as error:
            saved = Scenario.objects.get(pk=self.instance.pk)
            rows = self.field_rows(saved, SCENARIO_FIELDS)
            rows.append(row("Types d'action", "\n".join(self._lines_summary()), "\n".join(_lines_summary(saved))))
            self.refuse(error, saved, rows)
            return None

    def _create(self) -> Scenario:
        self.instance.created_by = self.actor
        self.instance.save()
        self._save_lines(self.instance)
        changes = self.instance.audit_values() | {"lines": [None, _lines_summary(self.instance)]}
        record(actor=self.actor, action="budget.scenario_create", obj=self.instance, changes=changes)
        return self.instance

    def _update(self) -> Scenario:
        before = Scenario.objects.select_for_update().get(pk=self.instance.pk)
        before_lines = _lines_summary(before)
        if before.is_applied:
            raise EditConflict(f"Le scénario « {before} » a été appliqué : il ne se modifie plus.")
        values = {name: self.cleaned_data[name] for name in SCENARIO_FIELDS}
        changes = field_changes(before, self.instance, SCENARIO_FIELDS)
        if before_lines != self._lines_summary():
            changes["lines"] = [before_lines, self._lines_summary()]
        if not changes:  # nothing changed: no new revision, no audit row
            return before
        message = (
            f"Le scénario « {before} » a été modifié entre-temps : vos modifications n'ont pas été enregistrées. "
            "Comparez vos valeurs et les valeurs enregistrées, puis enregistrez à nouveau pour confirmer les vôtres."
        )
        revise(Scenario.objects.filter(applied_at=None), before.pk, self.submitted_revision, message, **values)
        scenario = Scenario.objects.get(pk=before.pk)
        self._save_lines(scenario)
        record(actor=self.actor, action="budget.scenario_change", obj=scenario, changes=changes)
        return scenario

    def _save_lines(self, scenario: Scenario) -> None:
        scenario.lines.all().delete()
        for line, fixed in self.lines():
            line.scenario = scenario
            line.save()
            ScenarioFixedAmount.objects.bulk_create(
                ScenarioFixedAmount(line=line, region_code=code, amount=amount) for code, amount in fixed.items()
            )

    def _lines_summary(self) -> list[str]:
        """The submitted lines in French, as `_lines_summary` writes the saved ones."""
        summaries = []
        for line, fixed in self.lines():
            text = _line_summary(line, [f"{code} {euros(amount)}" for code, amount in sorted(fixed.items())])
            summaries.append(text)
        return summaries


def scored_method_versions():
    """Published method versions that have scores to weigh territories with."""
    versions = MethodVersion.objects.filter(status=MethodStatus.PUBLISHED, scorings__isnull=False).distinct()
    return versions.select_related("method").order_by("method__name", "-number")


def _lines_summary(scenario: Scenario) -> list[str]:
    """The lines of a scenario in French, for its audit trail."""
    lines = ScenarioLine.objects.filter(scenario=scenario).prefetch_related("fixed_amounts").order_by("id")
    return [
        _line_summary(line, [f"{fixed.region_code} {euros(fixed.amount)}" for fixed in line.fixed_amounts.all()])
        for line in lines
    ]


def _line_summary(line: ScenarioLine, fixed: list[str]) -> str:
    share = percent(line.share_percent, 2) if line.share_amount is None else euros(line.share_amount)
    text = f"{line.get_action_type_display()} : {share}, {line.get_rule_display().lower()}"
    text += f", réserve nationale {percent(line.reserve_percent, 2)}"
    return text + (f" ({', '.join(fixed)})" if fixed else "")


class ScenarioCompareForm(DsfrForm):
    """Scenarios to put side by side (`?s=<pk>&s=<pk>`), in the order given: the first one is the reference."""

    s = forms.ModelMultipleChoiceField(
        label="Scénarios à comparer",
        queryset=Scenario.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Scénario inconnu : « %(value)s ».",
            "invalid_pk_value": "« %(pk)s » n'est pas un numéro de scénario.",
            "required": "Choisissez au moins deux scénarios à comparer.",
        },
    )
    mesure = forms.ChoiceField(label="Montants comparés", choices=list(MEASURE_LABELS.items()), required=False)

    def clean_s(self):
        chosen = self.cleaned_data["s"]
        if len(chosen) < 2:
            raise forms.ValidationError("Choisissez au moins deux scénarios à comparer.")
        order = [str(pk) for pk in self.data.getlist("s")]
        return sorted(chosen, key=lambda scenario: order.index(str(scenario.pk)))

    def clean_mesure(self):
        return self.cleaned_data["mesure"] or "ae"


class ApplyForm(RevisionFormMixin, DsfrForm):
    """The confirmation of an application, made on a given revision of the scenario (`scenario_apply` refuses it
    when the scenario was edited since)."""

    confirm = forms.BooleanField(
        label="Je confirme : les enveloppes de l'année seront créées ou ajustées selon ce scénario.",
        error_messages={"required": "Cochez la case pour confirmer l'application du scénario."},
    )

    def __init__(self, *args, scenario: Scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario = scenario
        self.carry_revision(scenario)
