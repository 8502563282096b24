import re

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from dsfr.widgets import InlineRadioSelect

from pilote.core.audit import field_changes, record
from pilote.core.enums import OrganisationKind
from pilote.core.forms import DsfrForm, DsfrModelForm
from pilote.core.models import Organisation
from pilote.core.versioning import EditConflict, RevisionFormMixin, created_once, revise
from pilote.territories.enums import MemberKind
from pilote.territories.figures import place_names
from pilote.territories.models import Phase, Territory

from .enums import OpinionKind
from .models import FileMessage, Opinion, PerimeterChangeRequest, TerritoryFile
from .perimeter import PlaceRefused, resolve_place

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
    """Codes separated by spaces, commas or semicolons, each checked for its shape: the lists of a perimeter
    request, carried in hidden fields from one step of its editing to the next (people add names, not codes)."""

    def __init__(self, *, pattern: str, what: str, **kwargs):
        self.pattern, self.what = re.compile(pattern), what
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)

    def to_python(self, value):
        return sorted({c for c in CODES.split(super().to_python(value) or "") if c})

    def validate(self, value):
        wrong = [c for c in value if not self.pattern.fullmatch(c)]
        if wrong:
            raise forms.ValidationError(f"{self.what} mal formé(s) : {', '.join(wrong)}.")

    def prepare_value(self, value):
        return " ".join(value) if isinstance(value, list) else value


class PerimeterRequestForm(RevisionFormMixin, DsfrModelForm):
    """The team's perimeter change request, edited by name: `add_place` and `remove_place` take an EPCI or a commune
    by name, INSEE code or SIREN (the combobox fills « Nom (code) »; without JavaScript the name alone is resolved,
    or refused with the candidates); a `drop` button (« list:code ») takes a line off. The four lists travel in
    hidden fields. `save(actor)` records it with its audit row, refusing a stale edit (`pilote.core.versioning`);
    a save that changes nothing writes nothing."""

    add_epcis = CodesField(label="EPCI à ajouter (SIREN)", pattern=r"\d{9}", what="SIREN")
    remove_epcis = CodesField(label="EPCI à retirer (SIREN)", pattern=r"\d{9}", what="SIREN")
    add_communes = CodesField(label="Communes à ajouter (code INSEE)", pattern=r"\d[\dAB]\d{3}", what="Code(s) INSEE")
    remove_communes = CodesField(
        label="Communes à retirer (code INSEE)", pattern=r"\d[\dAB]\d{3}", what="Code(s) INSEE"
    )
    add_place = forms.CharField(
        label="Ajouter un EPCI ou une commune",
        help_text="Nom, code INSEE ou SIREN ; choisissez dans la liste, qui indique le département.",
        required=False,
        max_length=200,
    )
    remove_place = forms.CharField(
        label="Retirer un EPCI ou une commune",
        help_text="Nom, code INSEE ou SIREN d'un EPCI ou d'une commune du territoire.",
        required=False,
        max_length=200,
    )

    class Meta:
        model = PerimeterChangeRequest
        fields = ["add_epcis", "remove_epcis", "add_communes", "remove_communes", "reason"]
        labels = {"reason": "Motif de la demande"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.carry_revision(self.instance)
        for name in ("add_place", "remove_place"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "data-place-field": name})

    def clean(self):
        data = super().clean()
        lists = {name: list(data.get(name) or []) for name in LISTS}
        dropped = self.data.get("drop", "")
        name, _, code = dropped.partition(":")
        if name in lists and code in lists[name]:
            lists[name].remove(code)
        resolved = [field for field in ("add_place", "remove_place") if self._place(field, data, lists)]
        data.update({name: sorted(codes) for name, codes in lists.items()})
        self._carry(data, resolved)
        return data

    def _place(self, field: str, data: dict, lists: dict) -> bool:
        """Adds the place named in `field` to its list (or takes it off the opposite one); False when empty or
        refused (the error is on the field)."""
        text = (data.get(field) or "").strip()
        if not text:
            return False
        try:
            found = resolve_place(text, settings.DEFAULT_EDITION, place_names(settings.DEFAULT_EDITION).departements)
        except PlaceRefused as refusal:
            self.add_error(field, str(refusal))
            return False
        side, other = ("add", "remove") if field == "add_place" else ("remove", "add")
        kind = "epcis" if found.kind == MemberKind.EPCI else "communes"
        if found.code in lists[f"{other}_{kind}"]:
            lists[f"{other}_{kind}"].remove(found.code)  # adding back what the request removed: undone
        elif found.code not in lists[f"{side}_{kind}"]:
            lists[f"{side}_{kind}"].append(found.code)
        return True

    def _carry(self, data: dict, resolved: list[str]) -> None:
        """The page shown again carries the lists as they now stand, and empties the fields that were resolved."""
        self.data = self.data.copy()
        for name in LISTS:
            self.data[name] = " ".join(data[name])
        for field in resolved:
            self.data[field] = ""

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


LISTS = ["add_epcis", "remove_epcis", "add_communes", "remove_communes"]
PERIMETER_FIELDS = [*LISTS, "reason"]
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


class ValidateForm(TransitionForm):
    """ANCT's validation, knowingly: the rule is the file's (`TerritoryFile.validation_refusals`), shown here as the
    fields' errors; the acknowledgement is asked only when opinions are still awaited."""

    comment = forms.CharField(
        label="Motivation de la décision", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    acknowledge_missing = forms.BooleanField(
        label="Je valide le dossier sans les avis non rendus listés ci-dessus.", required=False
    )

    def __init__(self, *args, standing, **kwargs):
        super().__init__(*args, **kwargs)
        self.standing = standing
        if not standing.awaited:
            del self.fields["acknowledge_missing"]

    def clean(self):
        data = super().clean()
        refusals = TerritoryFile.validation_refusals(
            self.standing,
            comment=data.get("comment", ""),
            acknowledged_missing=bool(data.get("acknowledge_missing")),
        )
        for name, message in refusals.items():
            self.add_error(name, message)
        return data


class SendBackForm(TransitionForm):
    comment = forms.CharField(
        label="Ce que l'équipe du territoire doit compléter",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez aux porteurs du territoire ce qu'il faut compléter."},
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


class MessageForm(DsfrForm):
    body = forms.CharField(
        label="Votre message",
        max_length=FileMessage.MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Écrivez votre message avant de l'envoyer.",
            "max_length": f"Le message est trop long : {FileMessage.MAX_LENGTH} caractères au plus "
            "(il en compte %(show_value)d). Joignez plutôt un document, ou envoyez-le en plusieurs fois.",
        },
    )
