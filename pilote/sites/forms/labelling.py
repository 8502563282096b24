"""Forms of the labelling: a step of the workflow, an opinion, a milestone towards « ready to host »."""

from django import forms
from django.db import transaction

from pilote.core.audit import record
from pilote.core.forms import DsfrForm, DsfrModelForm
from pilote.core.versioning import RevisionFormMixin, created_once, revise

from ..enums import LabelOpinionKind, MilestoneKind
from ..models import Milestone


class LabelStepForm(DsfrForm):
    comment = forms.CharField(label="Motivation", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadline = forms.DateField(
        label="Avis à rendre avant le", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LabelOpinionForm(DsfrForm):
    kind = forms.ChoiceField(label="Avis", choices=LabelOpinionKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="Motivation", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MilestoneForm(RevisionFormMixin, DsfrModelForm):
    """One step of a labelled site (its kind fixed by the URL), planned then done; one of each kind per site."""

    class Meta:
        model = Milestone
        fields = ["planned_on", "done_on", "amount", "note"]
        widgets = {
            "planned_on": forms.DateInput(attrs={"type": "date"}),
            "done_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.carry_revision(self.instance)

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is not None and self.instance.kind not in FINANCING:
            self.add_error("amount", "Un montant ne se saisit que pour un financement de Banque des Territoires.")
        elif amount is not None and amount < 0:
            self.add_error("amount", "Le montant ne peut pas être négatif.")
        if not data.get("planned_on") and not data.get("done_on"):
            raise forms.ValidationError("Indiquez la date prévue ou la date où l'étape a été faite.")
        return data

    def save(self, *, by) -> Milestone:
        """Create the milestone or revise it (refused with EditConflict when saved meanwhile), with its audit row."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        milestone = self.instance
        with transaction.atomic():
            if milestone.pk is None:
                before = {}
                milestone = created_once(
                    lambda: Milestone.objects.create(site=milestone.site, kind=milestone.kind, **values)
                )
            else:
                before = {name: getattr(milestone, name) for name in values}
                revise(Milestone.objects, milestone.pk, self.submitted_revision, **values)
            changes = {
                name: [_text(before.get(name)), _text(value)]
                for name, value in values.items()
                if before.get(name) != value
            }
            record(
                actor=by,
                action="site.milestone.saved",
                obj=milestone,
                changes={"kind": [None, milestone.kind], **changes},
            )
        return milestone


FINANCING = (MilestoneKind.BDT_ENGINEERING, MilestoneKind.BDT_INVESTMENT)


def _text(value):
    return None if value is None else str(value)
