"""Forms of the action plan. Writes happen in `save()`, with their audit row, inside one transaction."""

import copy

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pilote.core import audit
from pilote.core.audit import field_changes, record
from pilote.core.formats import money
from pilote.core.forms import DsfrForm, DsfrModelForm, as_stored
from pilote.core.models import AuditEvent
from pilote.core.versioning import EditConflict, RevisionFormMixin, revise, row

from .enums import FicheStatus, Priority
from .models import FICHE_FIELDS, FicheAction, Funder, Indicator
from .spreadsheet import parse_plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATES_ORDERED = "La date de fin doit être égale ou postérieure à la date de début."
FICHE_STALE = (
    "Cette fiche a été modifiée par une autre personne pendant que vous la modifiiez : vos modifications n'ont pas "
    "été enregistrées. Comparez ci-dessous vos valeurs et les valeurs enregistrées, puis enregistrez à nouveau pour "
    "confirmer les vôtres."
)


class ModelForm(DsfrModelForm):
    """DSFR rendering; French number input ("0,5", "12 000"); money and shares rounded as the database stores them,
    so that the audit trail says "0.60" both when it is written and when it is read back."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                field.localize = True
                attrs = {k: v for k, v in field.widget.attrs.items() if k != "step"}  # no step on a text input
                field.widget = forms.TextInput(attrs={**attrs, "inputmode": "decimal"})
                field.widget.is_localized = True

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if name in data:
                data[name] = as_stored(field, data[name])
        return data


class PlanFilterForm(DsfrForm):
    priority = forms.ChoiceField(label="Priorité", required=False, choices=[("", "Toutes"), *Priority.choices])
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *FicheStatus.choices])
    q = forms.CharField(label="Intitulé ou porteur", required=False, max_length=100)

    def filter(self, fiches):
        if not self.is_valid():
            return fiches
        data = self.cleaned_data
        if data["priority"]:
            fiches = fiches.filter(priority=data["priority"])
        if data["status"]:
            fiches = fiches.filter(status=data["status"])
        if data["q"]:
            fiches = fiches.filter(title__icontains=data["q"]) | fiches.filter(lead_organisation__icontains=data["q"])
        return fiches


class FunderForm(ModelForm):
    class Meta:
        model = Funder
        fields = ["organisation", "amount", "is_secured"]
        labels = {"is_secured": "Financement acquis (sinon : attendu)"}


class IndicatorForm(ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "target", "value", "measured_on"]
        widgets = {"measured_on": DATE}


FunderFormSet = forms.inlineformset_factory(FicheAction, Funder, form=FunderForm, extra=1, can_delete=True)
IndicatorFormSet = forms.inlineformset_factory(FicheAction, Indicator, form=IndicatorForm, extra=1, can_delete=True)


def _funder_line(d: dict) -> str:
    return f"{d['organisation']} : {money(d['amount'])} ({'acquis' if d['is_secured'] else 'attendu'})"


def _indicator_line(d: dict) -> str:
    dash = "–"
    value = dash if d["value"] is None else d["value"]
    target = dash if d["target"] is None else d["target"]
    when = f" au {d['measured_on']:%d/%m/%Y}" if d.get("measured_on") else ""
    return f"{d['name']} : {value} / {target} {d['unit']}".strip() + when


LINE = {"funders": _funder_line, "indicators": _indicator_line}
RELATIONS = (("funders", Funder), ("indicators", Indicator))


def lines(fiche: FicheAction, relation: str) -> list[str]:
    """Funders or indicators of a fiche as short French lines, for the audit trail and the conflict message."""
    return [LINE[relation](vars(row)) for row in getattr(fiche, relation).all()]


class FicheActionForm(RevisionFormMixin, ModelForm):
    """A fiche with its funders and indicators (inline formsets), saved at once; a stale edit is refused
    (`pilote.core.versioning`) with what the first one saved."""

    class Meta:
        model = FicheAction
        fields = FICHE_FIELDS
        widgets = {"started_on": DATE, "ended_on": DATE, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, territory, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory, self.actor = territory, actor
        self.carry_revision(self.instance)
        data = self.data if self.is_bound else None
        self.funders = FunderFormSet(data, instance=self.instance, prefix="financeurs")
        self.indicators = IndicatorFormSet(data, instance=self.instance, prefix="indicateurs")

    def is_valid(self):
        results = [super().is_valid(), self.funders.is_valid(), self.indicators.is_valid()]
        if not all(results) and self.conflict is None and self.is_stale(self.instance):
            # A stale form may fail on lines someone else deleted: say why rather than only "invalid choice".
            self._refuse(EditConflict(FICHE_STALE))
        return all(results)

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", DATES_ORDERED)
        return data

    def save(self, commit=True):
        """The saved fiche, or None when someone else saved it first (then `self.conflict` says what changed)."""
        try:
            with transaction.atomic():
                fiche = self._update() if self.instance.pk else self._create()
        except EditConflict as error:
            self._refuse(error)
            return None
        return fiche

    def _create(self) -> FicheAction:
        fiche = super().save(commit=False)
        fiche.territory = self.territory
        fiche.save()
        changes = field_changes(None, fiche, FICHE_FIELDS) | self._save_lines(fiche, {"funders": [], "indicators": []})
        record(actor=self.actor, action="fiche.create", obj=fiche, changes=changes, **fiche.territory.audit_scope())
        return fiche

    def _update(self) -> FicheAction:
        before = FicheAction.objects.select_for_update().get(pk=self.instance.pk)
        before_lines = {"funders": lines(before, "funders"), "indicators": lines(before, "indicators")}
        fiche = self.instance
        values = {name: self.cleaned_data[name] for name in FICHE_FIELDS}
        for name, value in values.items():
            setattr(fiche, name, value)
        changes = field_changes(before, fiche, FICHE_FIELDS) | self._save_lines(fiche, before_lines)
        if not changes:  # nothing changed: no new revision, no audit row
            fiche.revision = before.revision
            return fiche
        values["updated_at"] = timezone.now()
        fiche.revision = revise(FicheAction.objects, before.pk, self.submitted_revision, FICHE_STALE, **values)
        record(actor=self.actor, action="fiche.update", obj=fiche, changes=changes, **fiche.territory.audit_scope())
        return fiche

    def _save_lines(self, fiche: FicheAction, before: dict[str, list[str]]) -> dict:
        """Save the funders and indicators; their changes, for the audit row."""
        changes = {}
        for formset in (self.funders, self.indicators):
            formset.instance = fiche
            formset.save()
        for relation, old in before.items():
            new = lines(fiche, relation)
            if new != old:
                changes[relation] = [old, new]
        return changes

    def _refuse(self, error: EditConflict) -> None:
        saved = FicheAction.objects.prefetch_related("funders", "indicators").get(pk=self.instance.pk)
        rows = self.field_rows(saved, FICHE_FIELDS)
        for relation, label in (("funders", "Financeurs"), ("indicators", "Indicateurs")):
            rows.append(row(label, "\n".join(_submitted_lines(self, relation)), "\n".join(lines(saved, relation))))
        self.refuse(error, saved, rows)


def _submitted_lines(form: FicheActionForm, relation: str) -> list[str]:
    formset = form.funders if relation == "funders" else form.indicators
    kept = [
        f.cleaned_data for f in formset.forms if not f.errors and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    return [LINE[relation](data) for data in kept]


class PlanImportForm(DsfrForm):
    """Imports a plan from the XLSX template: every row is checked first, and nothing is written when one is wrong.

    Fiches named by their number are updated (only when something differs, so re-importing an export changes
    nothing); the others are created; fiches absent from the file are left as they are."""

    file = forms.FileField(label="Classeur du plan d'actions (.xlsx)", help_text="Partez du fichier exporté.")

    def __init__(self, *args, territory, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory, self.actor, self.row_errors = territory, actor, []

    def clean_file(self):
        file = self.cleaned_data["file"]
        existing = set(FicheAction.objects.of(self.territory).values_list("id", flat=True))
        self.parsed = parse_plan(file, existing)
        if self.parsed.refusal:
            raise forms.ValidationError(f"{self.parsed.refusal} Rien n'a été enregistré.")
        self.row_errors, count = self.parsed.errors, self.parsed.error_count
        if count:
            shown = f" (les {len(self.row_errors)} premières sont listées)" if count > len(self.row_errors) else ""
            raise forms.ValidationError(
                f"Le fichier contient {count} erreur{'s' if count > 1 else ''}{shown} : rien n'a été enregistré. "
                "Corrigez les lignes indiquées puis importez-le à nouveau."
            )
        return file

    @transaction.atomic
    def save(self) -> dict[str, int]:
        """Writes the checked file in one short transaction: a few bulk statements for all the fiches created, one
        UPDATE a fiche that changed, nothing for the others."""
        current = {f.pk: f for f in FicheAction.objects.of(self.territory).prefetch_related("funders", "indicators")}
        self._lines = {relation: [] for relation, _ in RELATIONS}  # rows to insert
        self._replaced = {relation: [] for relation, _ in RELATIONS}  # fiches whose rows are deleted first
        self._events = []
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        created = []
        for ref, data in self.parsed.fiches.items():
            fiche = current.get(int(ref)) if ref.isdigit() else None
            rows = {relation: getattr(self.parsed, relation).get(ref, []) for relation, _ in RELATIONS}
            if fiche is None:
                created.append((FicheAction(territory=self.territory, **data), rows))
            else:
                counts[self._update(fiche, data, rows)] += 1
        FicheAction.objects.bulk_create(fiche for fiche, _ in created)
        for fiche, rows in created:
            self._created(fiche, rows)
        counts["created"] = len(created)
        for relation, model in RELATIONS:
            model.objects.filter(fiche__in=self._replaced[relation]).delete()
            model.objects.bulk_create(self._lines[relation])
        AuditEvent.objects.bulk_create(self._events)
        return counts

    def _created(self, fiche: FicheAction, rows: dict) -> None:
        changes = field_changes(None, fiche, FICHE_FIELDS)
        for relation, model in RELATIONS:
            self._lines[relation] += [model(fiche=fiche, **row) for row in rows[relation]]
            if rows[relation]:
                changes[relation] = [[], [LINE[relation](row) for row in rows[relation]]]
        self._record(fiche, changes)

    def _update(self, fiche: FicheAction, data: dict, rows: dict) -> str:
        before = copy.copy(fiche)
        for name, value in data.items():
            setattr(fiche, name, value)
        changes = field_changes(before, fiche, FICHE_FIELDS)
        for relation, model in RELATIONS:
            old = [LINE[relation](vars(row)) for row in getattr(before, relation).all()]
            new = [LINE[relation](row) for row in rows[relation]]
            if old != new:
                self._replaced[relation].append(fiche.pk)
                self._lines[relation] += [model(fiche=fiche, **row) for row in rows[relation]]
                changes[relation] = [old, new]
        if not changes:
            return "unchanged"
        # Bumping the revision makes a form opened before the import refuse to overwrite it.
        FicheAction.objects.filter(pk=fiche.pk).update(**data, revision=F("revision") + 1, updated_at=timezone.now())
        self._record(fiche, changes)
        return "updated"

    def _record(self, fiche: FicheAction, changes: dict) -> None:
        self._events.append(
            audit.event(
                actor=self.actor, action="fiche.import", obj=fiche, changes=changes, **fiche.territory.audit_scope()
            )
        )
