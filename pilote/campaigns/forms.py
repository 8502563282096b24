import re

from django import forms
from django.db import transaction
from django.utils import timezone
from dsfr.widgets import InlineRadioSelect

from pilote.core.audit import field_changes, record
from pilote.core.enums import OrganisationKind
from pilote.core.forms import DsfrForm, DsfrModelForm
from pilote.core.models import Organisation
from pilote.core.versioning import EditConflict, RevisionFormMixin, created_once, revise
from pilote.territories.models import Phase, Territory

from .enums import OpinionKind
from .models import Opinion, PerimeterChangeRequest

CODES = re.compile(r"[\s,;]+")


class CampaignForm(DsfrForm):
    name = forms.CharField(label="Nom de la campagne", max_length=200)
    phase = forms.ModelChoiceField(label="Phase", queryset=Phase.objects.all(), empty_label=None)
    all_territories = forms.BooleanField(label="Tous les territoires de la phase", required=False, initial=True)
    territory_codes = forms.CharField(
        label="Ou seulement ces territoires (codes ti-RRNN séparés par des virgules)", required=False
    )
    submission_deadline = forms.DateField(label="Date limite de dépôt", widget=forms.DateInput(attrs={"type": "date"}))
    opinion_deadline = forms.DateField(label="Date limite des avis", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        sub, opi = data.get("submission_deadline"), data.get("opinion_deadline")
        if sub and sub < timezone.localdate():
            self.add_error("submission_deadline", "La date limite de dépôt ne peut pas être passée.")
        if sub and opi and opi < sub:
            self.add_error("opinion_deadline", "Les avis se rendent après la date limite de dépôt.")
        if data.get("phase"):
            data["territories"] = self._territories(data)
        return data

    def _territories(self, data) -> list[Territory]:
        territories = Territory.objects.filter(phase=data["phase"], withdrawn_on__isnull=True)
        codes = [c for c in CODES.split(data.get("territory_codes", "")) if c]
        if data.get("all_territories") and not codes:
            return list(territories)
        found = list(territories.filter(code__in=codes))
        unknown = sorted(set(codes) - {t.code for t in found})
        if unknown:
            self.add_error("territory_codes", f"Territoires inconnus dans cette phase : {', '.join(unknown)}.")
        if not found and not unknown:
            self.add_error("territory_codes", "Choisissez au moins un territoire.")
        return found


class CodesField(forms.CharField):
    """Codes separated by spaces, commas or semicolons, each checked for its shape."""

    def __init__(self, *, pattern: str, what: str, **kwargs):
        self.pattern, self.what = re.compile(pattern), what
        super().__init__(required=False, widget=forms.Textarea(attrs={"rows": 2}), **kwargs)

    def to_python(self, value):
        return sorted({c for c in CODES.split(super().to_python(value) or "") if c})

    def validate(self, value):
        wrong = [c for c in value if not self.pattern.fullmatch(c)]
        if wrong:
            raise forms.ValidationError(f"{self.what} mal formé(s) : {', '.join(wrong)}.")

    def prepare_value(self, value):
        return " ".join(value) if isinstance(value, list) else value


class PerimeterRequestForm(RevisionFormMixin, DsfrModelForm):
    """The team's perimeter change request; `save(actor)` records it with its audit row, refusing a stale edit
    (`pilote.core.versioning`); a save that changes nothing writes nothing."""

    add_epcis = CodesField(label="EPCI à ajouter (SIREN)", pattern=r"\d{9}", what="SIREN")
    remove_epcis = CodesField(label="EPCI à retirer (SIREN)", pattern=r"\d{9}", what="SIREN")
    add_communes = CodesField(label="Communes à ajouter (code INSEE)", pattern=r"\d[\dAB]\d{3}", what="Code(s) INSEE")
    remove_communes = CodesField(
        label="Communes à retirer (code INSEE)", pattern=r"\d[\dAB]\d{3}", what="Code(s) INSEE"
    )

    class Meta:
        model = PerimeterChangeRequest
        fields = ["add_epcis", "remove_epcis", "add_communes", "remove_communes", "reason"]
        labels = {"reason": "Motif de la demande"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.carry_revision(self.instance)

    def save(self, actor) -> PerimeterChangeRequest | None:
        """The saved request, or None when someone else saved it since this form was opened (`self.conflict`)."""
        try:
            with transaction.atomic():
                return self._save(actor)
        except EditConflict as error:
            saved = PerimeterChangeRequest.objects.filter(file=self.instance.file).first()
            saved = saved or PerimeterChangeRequest(file=self.instance.file)
            self.refuse(error, saved, self.field_rows(saved, PERIMETER_FIELDS))
            return None

    def _save(self, actor) -> PerimeterChangeRequest:
        proposal = self.instance
        before = PerimeterChangeRequest.objects.select_for_update().filter(file=proposal.file).first()
        if before is not None and proposal.pk is None:
            raise EditConflict(PERIMETER_STALE)  # both opened the empty form: the other one saved first
        changes = field_changes(before, proposal, PERIMETER_FIELDS)
        if not changes:  # nothing changed: no new revision, no audit row
            return before
        proposal.updated_by = actor
        if before is None:
            created_once(proposal.save, PERIMETER_STALE)
        else:
            values = {name: getattr(proposal, name) for name in PERIMETER_FIELDS} | {"updated_by": actor}
            values["updated_at"] = timezone.now()
            proposal.revision = revise(
                PerimeterChangeRequest.objects, before.pk, self.submitted_revision, PERIMETER_STALE, **values
            )
        territory = proposal.file.territory
        record(
            actor=actor,
            action="perimeter_request.save",
            obj=proposal,
            changes=changes,
            **territory.audit_scope(),
        )
        return proposal


PERIMETER_FIELDS = ["add_epcis", "remove_epcis", "add_communes", "remove_communes", "reason"]
PERIMETER_STALE = (
    "La demande de modification du périmètre a été modifiée par une autre personne pendant que vous la modifiiez : "
    "vos modifications n'ont pas été enregistrées. Comparez ci-dessous vos valeurs et les valeurs enregistrées, puis "
    "enregistrez à nouveau pour confirmer les vôtres."
)


class TransitionForm(DsfrForm):
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForm(TransitionForm):
    confirm = forms.BooleanField(
        label="J'ai relu ce récapitulatif et je dépose le dossier ; il ne sera plus modifiable pendant l'instruction.",
        error_messages={"required": "Cochez la case pour confirmer le dépôt."},
    )


class ReopenForm(DsfrForm):
    until = forms.DateField(label="Rouvrir le dépôt jusqu'au", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError("Choisissez une date à venir.")
        return until


class AskOpinionForm(DsfrForm):
    """ANCT asks one more organisation: an operator (Banque des Territoires…), a DREETS, a service of the State or a
    région not asked at the start of the review. Never ANCT itself nor a territory's intercommunality."""

    organisation = forms.ModelChoiceField(
        label="Organisme",
        queryset=Organisation.objects.exclude(kind__in=[OrganisationKind.ANCT, OrganisationKind.EPCI]).order_by(
            "kind", "name"
        ),
    )
    deadline = forms.DateField(label="Avis attendu avant le", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("La date limite de l'avis ne peut pas être passée.")
        return deadline


class ExtendOpinionForm(DsfrForm):
    deadline = forms.DateField(label="Nouvelle date limite", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, auto_id=f"id_extend_{request.pk}_%s", **kwargs)
        self.request = request

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("La nouvelle date limite ne peut pas être passée.")
        if deadline <= self.request.deadline:
            raise forms.ValidationError(
                f"La nouvelle date limite doit suivre l'actuelle ({self.request.deadline:%d/%m/%Y})."
            )
        return deadline


class OpinionForm(DsfrModelForm):
    kind = forms.ChoiceField(label="Avis", choices=OpinionKind.choices, widget=InlineRadioSelect)

    class Meta:
        model = Opinion
        fields = ["kind", "text"]
        labels = {"text": "Motivation"}
        error_messages = {"text": {"required": "Motivez votre avis."}}
