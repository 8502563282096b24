"""Forms of a territory's governance (models in `territories/governance.py`): each save writes its audit row."""

import datetime

from django import forms
from django.db import transaction

from pilote.core.audit import field_changes, record
from pilote.territories.models import Binome, CommitteeMember, Partner, ProjectLead, Territory

from .forms import DATE, ModelForm
from .snapshot import BINOME_FIELDS, LEAD_FIELDS

LEAD_FORM_FIELDS = ["name", "employer", "started_on", "full_time_share", "state_funding", "epci_funding"]


def _scope(territory: Territory) -> dict:
    return {"phase_slug": territory.phase.slug, "territory_code": territory.code}


class CommitteeMemberForm(ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "organisation", "role"]


class PartnerForm(ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "contribution"]


CommitteeFormSet = forms.inlineformset_factory(
    Territory, CommitteeMember, form=CommitteeMemberForm, extra=2, can_delete=True
)
PartnerFormSet = forms.inlineformset_factory(Territory, Partner, form=PartnerForm, extra=2, can_delete=True)


def _rows(territory: Territory, relation: str) -> list[str]:
    if relation == "committee_members":
        return [
            f"{m.name} ({m.organisation}{', ' + m.role if m.role else ''})" for m in territory.committee_members.all()
        ]
    return [p.name + (f" : {p.contribution}" if p.contribution else "") for p in territory.partners.all()]


class GovernanceForm(ModelForm):
    """The binôme, with the steering committee and the partners as inline formsets, saved at once."""

    industrialist_siren = forms.CharField(label="Industriel·le : SIREN de l'entreprise", required=False, max_length=20)

    class Meta:
        model = Binome
        fields = BINOME_FIELDS

    def __init__(self, *args, territory: Territory, actor, **kwargs):
        kwargs.setdefault("instance", Binome.objects.filter(territory=territory).first() or Binome(territory=territory))
        super().__init__(*args, **kwargs)
        self.territory, self.actor = territory, actor
        data = self.data if self.is_bound else None
        self.committee = CommitteeFormSet(data, instance=territory, prefix="comite")
        self.partners = PartnerFormSet(data, instance=territory, prefix="partenaires")

    def is_valid(self):
        results = [super().is_valid(), self.committee.is_valid(), self.partners.is_valid()]
        return all(results)

    def clean_industrialist_siren(self):
        siren = self.cleaned_data["industrialist_siren"].replace(" ", "")
        if siren and not (siren.isdigit() and len(siren) == 9):
            raise forms.ValidationError("Le SIREN compte 9 chiffres.")
        return siren

    @transaction.atomic
    def save(self, commit=True) -> Binome:
        before = Binome.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        binome = super().save()
        changes = field_changes(before, binome, BINOME_FIELDS)
        if changes:
            action = "binome.update" if before else "binome.create"
            record(actor=self.actor, action=action, obj=binome, changes=changes, **_scope(self.territory))
        for relation, formset, action in (
            ("committee_members", self.committee, "committee.update"),
            ("partners", self.partners, "partners.update"),
        ):
            self._save_rows(relation, formset, action)
        return binome

    def _save_rows(self, relation: str, formset, action: str) -> None:
        old = _rows(self.territory, relation)
        formset.save()
        new = _rows(self.territory, relation)
        if new != old:
            record(
                actor=self.actor,
                action=action,
                obj=self.territory,
                changes={relation: [old, new]},
                **_scope(self.territory),
            )


class ProjectLeadForm(ModelForm):
    """Corrects the current chef de projet, or records the first one."""

    class Meta:
        model = ProjectLead
        fields = LEAD_FORM_FIELDS
        widgets = {"started_on": DATE}
        help_texts = {"full_time_share": "Entre 0 et 1 : 0,5 pour un mi-temps."}

    def __init__(self, *args, territory: Territory, actor, **kwargs):
        current = ProjectLead.objects.current().filter(territory=territory).first()
        kwargs.setdefault("instance", current or ProjectLead(territory=territory))
        super().__init__(*args, **kwargs)
        self.territory, self.actor = territory, actor

    def clean_full_time_share(self):
        share = self.cleaned_data["full_time_share"]
        if share is not None and not 0 <= share <= 1:
            raise forms.ValidationError("La quotité est comprise entre 0 et 1 (1 = temps plein).")
        return share

    def clean_state_funding(self):
        return _positive(self.cleaned_data["state_funding"])

    def clean_epci_funding(self):
        return _positive(self.cleaned_data["epci_funding"])

    @transaction.atomic
    def save(self, commit=True) -> ProjectLead:
        before = ProjectLead.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        lead = super().save()
        changes = field_changes(before, lead, LEAD_FIELDS)
        if changes:
            action = "project_lead.update" if before else "project_lead.create"
            record(actor=self.actor, action=action, obj=lead, changes=changes, **_scope(self.territory))
        return lead


class ProjectLeadChangeForm(ProjectLeadForm):
    """A new chef de projet: the current one is kept, with an end date the day before the new one starts."""

    def __init__(self, *args, territory: Territory, actor, **kwargs):
        self.previous = ProjectLead.objects.current().filter(territory=territory).first()
        super().__init__(*args, territory=territory, actor=actor, instance=ProjectLead(territory=territory), **kwargs)

    def clean_started_on(self):
        started = self.cleaned_data["started_on"]
        if self.previous and started <= self.previous.started_on:
            raise forms.ValidationError(
                f"Le nouveau chef de projet doit prendre son poste après le {self.previous.started_on:%d/%m/%Y}, "
                f"date de prise de poste de {self.previous.name}."
            )
        return started

    @transaction.atomic
    def save(self, commit=True) -> ProjectLead:
        if self.previous:
            self.previous.ended_on = self.cleaned_data["started_on"] - datetime.timedelta(days=1)
            self.previous.save(update_fields=["ended_on"])
            record(
                actor=self.actor,
                action="project_lead.end",
                obj=self.previous,
                changes={"ended_on": [None, self.previous.ended_on.isoformat()]},
                **_scope(self.territory),
            )
        return super().save()


def _positive(amount):
    if amount is not None and amount < 0:
        raise forms.ValidationError("Le montant doit être positif ou nul.")
    return amount
