"""What ANCT does with a shock alert besides designating it (budget's « Désigner Rebond industriel »): dismiss it,
with the reason kept in the history."""

from django import forms
from django.db import transaction
from django.utils import timezone

from pilote.core.audit import record
from pilote.core.forms import DsfrForm

from ..enums import AlertStatus
from ..models import Alert


class AlertDismissForm(DsfrForm):
    reason = forms.CharField(
        label="Pourquoi écarter cette alerte ?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : hausse conjoncturelle déjà résorbée, choc suivi par un autre dispositif.",
    )

    def __init__(self, *args, alert: Alert, **kwargs):
        super().__init__(*args, **kwargs)
        self.alert = alert

    def clean(self):
        data = super().clean()
        if self.alert.status != AlertStatus.OPEN:
            raise forms.ValidationError(f"Cette alerte a déjà été suivie : {self.alert.get_status_display()}.")
        return data

    @transaction.atomic
    def save(self, actor) -> bool:
        """Dismiss the alert if it is still open (one conditional UPDATE: of two people, one wins); False when it was
        followed up meanwhile (the form then says so)."""
        now = timezone.now()
        done = Alert.objects.filter(pk=self.alert.pk, status=AlertStatus.OPEN).update(
            status=AlertStatus.DISMISSED, reviewed_by=actor, reviewed_at=now
        )
        if not done:
            self.add_error(None, "Cette alerte a été suivie entre-temps : rien n'a été enregistré.")
            return False
        changes = {"status": [AlertStatus.OPEN, AlertStatus.DISMISSED], "reason": [None, self.cleaned_data["reason"]]}
        record(actor=actor, action="targeting.alert_dismiss", obj=self.alert, changes=changes)
        return True
