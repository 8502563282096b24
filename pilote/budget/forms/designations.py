"""Forms of Rebond industriel: designate a territory hit by an industrial shock, end a designation."""

from django import forms
from django.db import transaction
from django.utils import timezone

from pilote.core.audit import field_changes, record
from pilote.core.forms import DsfrForm
from pilote.territories.models import Territory

from ..models import ShockDesignation
from . import DATE


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
        record(
            actor=actor, action="budget.shock_designate", obj=shock, changes=changes, **shock.territory.audit_scope()
        )
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
        record(actor=actor, action="budget.shock_end", obj=shock, changes=changes, **shock.territory.audit_scope())
        return shock
