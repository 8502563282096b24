"""Forms of a territory's governance (models in `territories/models/governance.py`): each save writes its audit row."""

import datetime

from django import forms
from django.db import transaction

from pilote.core import registry
from pilote.core.audit import field_changes, record
from pilote.core.versioning import EditConflict, RevisionFormMixin, created_once, revise, row
from pilote.territories.models import Binome, CommitteeMember, Partner, ProjectLead, Territory
from pilote.territories.models.governance import PHONE_HELP, normalise_phone

from .forms import DATE, ModelForm
from .snapshot import BINOME_FIELDS, LEAD_FIELDS

# Contact details are edited and audited here but kept out of `snapshot.py` (personal data: never frozen in a file).
BINOME_CONTACT_FIELDS = ["elected_email", "elected_phone", "industrialist_email", "industrialist_phone"]
BINOME_FORM_FIELDS = BINOME_FIELDS + BINOME_CONTACT_FIELDS + ["contact_email"]
LEAD_CONTACT_FIELDS = ["email", "phone"]
LEAD_FORM_FIELDS = [
    "name",
    "employer",
    "email",
    "phone",
    "started_on",
    "full_time_share",
    "state_funding",
    "epci_funding",
]
LEAD_AUDIT_FIELDS = LEAD_FIELDS + LEAD_CONTACT_FIELDS


class PhoneField(forms.CharField):
    """A French phone number, stored as « 06 12 34 56 78 » (see `normalise_phone`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", PHONE_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.input_type = "tel"

    def clean(self, value):
        return normalise_phone(super().clean(value))


class CommitteeMemberForm(ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "organisation", "role", "email", "phone"]
        field_classes = {"phone": PhoneField}


class PartnerForm(ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "contribution"]


CommitteeFormSet = forms.inlineformset_factory(
    Territory, CommitteeMember, form=CommitteeMemberForm, extra=2, can_delete=True
)
PartnerFormSet = forms.inlineformset_factory(Territory, Partner, form=PartnerForm, extra=2, can_delete=True)


def _member_line(name: str, organisation: str, role: str, email: str = "", phone: str = "") -> str:
    contact = ", ".join(value for value in (email, phone) if value)
    return f"{name} ({organisation}{', ' + role if role else ''})" + (f" — {contact}" if contact else "")


def _partner_line(name: str, contribution: str) -> str:
    return name + (f" : {contribution}" if contribution else "")


def _rows(territory: Territory, relation: str) -> list[str]:
    """The committee or the partners as saved, as short French lines (audit trail and conflict banner)."""
    if relation == "committee_members":
        return [
            _member_line(m.name, m.organisation, m.role, m.email, m.phone) for m in territory.committee_members.all()
        ]
    return [_partner_line(p.name, p.contribution) for p in territory.partners.all()]


def _submitted_rows(formset, relation: str) -> list[str]:
    kept = [
        f.cleaned_data for f in formset.forms if not f.errors and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    if relation == "committee_members":
        return [
            _member_line(d["name"], d["organisation"], d.get("role", ""), d.get("email", ""), d.get("phone", ""))
            for d in kept
        ]
    return [_partner_line(d["name"], d.get("contribution", "")) for d in kept]


class GovernanceForm(RevisionFormMixin, ModelForm):
    """The binôme, with the steering committee and the partners as inline formsets, saved at once. One revision, the
    binôme's, covers the three: a stale form is refused whichever part it changes."""

    industrialist_siren = forms.CharField(label="Industriel·le : SIREN de l'entreprise", required=False, max_length=20)
    elected_phone = PhoneField(label="Élu·e : téléphone")
    industrialist_phone = PhoneField(label="Industriel·le : téléphone")

    class Meta:
        model = Binome
        fields = BINOME_FORM_FIELDS

    def __init__(self, *args, territory: Territory, actor, **kwargs):
        kwargs.setdefault("instance", Binome.objects.filter(territory=territory).first() or Binome(territory=territory))
        super().__init__(*args, **kwargs)
        self.territory, self.actor = territory, actor
        self.carry_revision(self.instance)
        data = self.data if self.is_bound else None
        self.committee = CommitteeFormSet(data, instance=territory, prefix="comite")
        self.partners = PartnerFormSet(data, instance=territory, prefix="partenaires")

    def is_valid(self):
        results = [super().is_valid(), self.committee.is_valid(), self.partners.is_valid()]
        if not all(results) and self.conflict is None and self.is_stale(self.instance):
            # A stale form may fail on rows someone else deleted: say why rather than only "invalid choice".
            self._refuse(EditConflict(GOVERNANCE_STALE))
        return all(results)

    def clean_industrialist_siren(self):
        siren = self.cleaned_data["industrialist_siren"].replace(" ", "")
        if siren and not (siren.isdigit() and len(siren) == 9):
            raise forms.ValidationError("Le SIREN compte 9 chiffres.")
        return siren

    def save(self, commit=True) -> Binome | None:
        """The saved binôme, or None when someone else saved the governance first (then `self.conflict` says what)."""
        try:
            with transaction.atomic():
                return self._save()
        except EditConflict as error:
            self._refuse(error)
            return None

    def _save(self) -> Binome:
        before = Binome.objects.select_for_update().filter(territory=self.territory).first()
        if before is not None and self.instance.pk is None:
            raise EditConflict(GOVERNANCE_STALE)  # both opened the empty form: the other one saved first
        changes = field_changes(before, self.instance, BINOME_FORM_FIELDS)
        rows = {relation: self._save_rows(relation, formset) for relation, formset in self._formsets()}
        if not changes and not any(rows.values()):  # nothing changed: no new revision, no audit row
            return before
        if before is None:
            binome = created_once(super().save, GOVERNANCE_STALE)
        else:
            values = {name: getattr(self.instance, name) for name in BINOME_FORM_FIELDS}
            self.instance.revision = revise(
                Binome.objects, before.pk, self.submitted_revision, GOVERNANCE_STALE, **values
            )
            binome = self.instance
        if changes:
            action = "binome.update" if before else "binome.create"
            record(actor=self.actor, action=action, obj=binome, changes=changes, **self.territory.audit_scope())
        for relation, action in (("committee_members", "committee.update"), ("partners", "partners.update")):
            if rows[relation]:
                record(
                    actor=self.actor,
                    action=action,
                    obj=self.territory,
                    changes=rows[relation],
                    **self.territory.audit_scope(),
                )
        return binome

    def _formsets(self):
        return (("committee_members", self.committee), ("partners", self.partners))

    def _save_rows(self, relation: str, formset) -> dict:
        """Save the rows; their change for the audit trail ({} when none)."""
        old = _rows(self.territory, relation)
        formset.save()
        new = _rows(self.territory, relation)
        return {relation: [old, new]} if new != old else {}

    def _refuse(self, error: EditConflict) -> None:
        saved = Binome.objects.filter(territory=self.territory).first() or Binome(territory=self.territory)
        rows = self.field_rows(saved, BINOME_FORM_FIELDS)
        for (relation, formset), label in zip(self._formsets(), ("Comité de pilotage", "Partenaires"), strict=True):
            rows.append(
                row(label, "\n".join(_submitted_rows(formset, relation)), "\n".join(_rows(self.territory, relation)))
            )
        self.refuse(error, saved, rows)


GOVERNANCE_STALE = (
    "La gouvernance a été modifiée par une autre personne pendant que vous la modifiiez : vos modifications n'ont pas "
    "été enregistrées. Comparez ci-dessous vos valeurs et les valeurs enregistrées, puis enregistrez à nouveau pour "
    "confirmer les vôtres."
)
LEAD_STALE = (
    "Le chef de projet a été modifié ou remplacé par une autre personne pendant que vous le modifiiez : vos "
    "modifications n'ont pas été enregistrées. Comparez ci-dessous vos valeurs et les valeurs enregistrées."
)


class ProjectLeadForm(RevisionFormMixin, ModelForm):
    """Corrects the current chef de projet, or records the first one. Besides its revision, the form carries which
    chef de projet it was made on (`lead`): a replacement since then starts again at revision 1 too."""

    lead = forms.IntegerField(widget=forms.HiddenInput, required=False)
    phone = PhoneField(label="Téléphone")

    class Meta:
        model = ProjectLead
        fields = LEAD_FORM_FIELDS
        widgets = {"started_on": DATE}
        help_texts = {"full_time_share": "Entre 0 et 1 : 0,5 pour un mi-temps."}

    def __init__(self, *args, territory: Territory, actor, **kwargs):
        self.current = ProjectLead.objects.current().filter(territory=territory).first()
        kwargs.setdefault("instance", self.current or ProjectLead(territory=territory))
        super().__init__(*args, **kwargs)
        self.territory, self.actor = territory, actor
        self.carry_revision(self.current or ProjectLead())
        self.initial["lead"] = self.current.pk if self.current else None

    def clean_full_time_share(self):
        share = self.cleaned_data["full_time_share"]
        if share is not None and not 0 <= share <= 1:
            raise forms.ValidationError("La quotité est comprise entre 0 et 1 (1 = temps plein).")
        return share

    def clean_state_funding(self):
        return _positive(self.cleaned_data["state_funding"])

    def clean_epci_funding(self):
        return _positive(self.cleaned_data["epci_funding"])

    def clean(self):
        """The State's share of the funding stays under the budget's ceiling (contributed through the registry: a
        commitment for this chef de projet would be refused above it)."""
        data = super().clean()
        state, epci = data.get("state_funding"), data.get("epci_funding")
        if state is not None and epci is not None:
            for check in registry.project_lead_checks():
                if refusal := check(state_funding=state, epci_funding=epci):
                    self.add_error("state_funding", refusal)
        return data

    def save(self, commit=True) -> ProjectLead | None:
        """The saved chef de projet, or None when the form was made on another state (then `self.conflict`)."""
        try:
            with transaction.atomic():
                current = ProjectLead.objects.select_for_update().current().filter(territory=self.territory).first()
                if self._unchanged(current):  # nothing changed: no new revision, no audit row
                    return current
                if (current.pk if current else None) != self.cleaned_data.get("lead"):
                    raise EditConflict(LEAD_STALE)
                return self._write(current)
        except EditConflict as error:
            saved = ProjectLead.objects.current().filter(territory=self.territory).first()
            self.refuse(error, saved or ProjectLead(territory=self.territory), self._rows(saved))
            return None

    def _write(self, current: ProjectLead | None) -> ProjectLead:
        if current is None:
            lead = created_once(super().save, LEAD_STALE)
            changes = field_changes(None, lead, LEAD_AUDIT_FIELDS)
            record(
                actor=self.actor,
                action="project_lead.create",
                obj=lead,
                changes=changes,
                **self.territory.audit_scope(),
            )
            return lead
        changes = field_changes(current, self.instance, LEAD_AUDIT_FIELDS)
        values = {name: getattr(self.instance, name) for name in LEAD_FORM_FIELDS}
        self.instance.revision = revise(ProjectLead.objects, current.pk, self.submitted_revision, LEAD_STALE, **values)
        record(
            actor=self.actor,
            action="project_lead.update",
            obj=self.instance,
            changes=changes,
            **self.territory.audit_scope(),
        )
        return self.instance

    def _unchanged(self, current: ProjectLead | None) -> bool:
        return current is not None and not field_changes(current, self.instance, LEAD_AUDIT_FIELDS)

    def _rows(self, saved: ProjectLead | None) -> list[dict]:
        return self.field_rows(saved, LEAD_FORM_FIELDS) if saved else []


class ProjectLeadChangeForm(ProjectLeadForm):
    """A new chef de projet: the current one is kept, with an end date the day before the new one starts."""

    def __init__(self, *args, territory: Territory, actor, **kwargs):
        super().__init__(*args, territory=territory, actor=actor, instance=ProjectLead(territory=territory), **kwargs)
        self.previous = self.current

    def clean_started_on(self):
        started = self.cleaned_data["started_on"]
        if self.previous and started <= self.previous.started_on:
            raise forms.ValidationError(
                f"Le nouveau chef de projet doit prendre son poste après le {self.previous.started_on:%d/%m/%Y}, "
                f"date de prise de poste de {self.previous.name}."
            )
        return started

    def _write(self, current: ProjectLead | None) -> ProjectLead:
        if current is not None:
            ended_on = self.cleaned_data["started_on"] - datetime.timedelta(days=1)
            revise(ProjectLead.objects, current.pk, self.submitted_revision, LEAD_STALE, ended_on=ended_on)
            record(
                actor=self.actor,
                action="project_lead.end",
                obj=current,
                changes={"ended_on": [None, ended_on.isoformat()]},
                **self.territory.audit_scope(),
            )
        lead = created_once(lambda: ModelForm.save(self), LEAD_STALE)
        changes = field_changes(None, lead, LEAD_AUDIT_FIELDS)
        record(
            actor=self.actor, action="project_lead.create", obj=lead, changes=changes, **self.territory.audit_scope()
        )
        return lead

    def _unchanged(self, current: ProjectLead | None) -> bool:
        return False  # a new chef de projet is always a change

    def _rows(self, saved: ProjectLead | None) -> list[dict]:
        return [
            row("Chef de projet actuel", self.previous.name if self.previous else "–", saved.name if saved else "–")
        ]


def _positive(amount):
    if amount is not None and amount < 0:
        raise forms.ValidationError("Le montant doit être positif ou nul.")
    return amount
