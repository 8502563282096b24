"""The form of the rules' parameters (ANCT); a stale edit is refused (`pilote.core.versioning`)."""

import copy
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core.audit import field_changes, record
from pilote.core.versioning import EditConflict, revise, row

from ..models import Parameters
from ..money import euros, percent
from . import RuleForm, money

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
