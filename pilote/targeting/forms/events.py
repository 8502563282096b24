"""Declaring an industrial event and editing it (stale edits refused through `core.versioning`), and the filters of
the list of events. The commune is typed by name or INSEE code and resolved on the platform's edition to its
département and région, which must be in the declarant's scope."""

from django import forms
from django.conf import settings
from django.db import transaction

from pilote.core.audit import field_changes, record
from pilote.core.forms import DsfrForm, DsfrModelForm
from pilote.core.identifiers import siret_is_valid
from pilote.core.versioning import STALE, EditConflict, RevisionFormMixin, revise, row
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, Departement, Region
from pilote.territories.search import commune_code_in, communes_named

from ..enums import EventKind
from ..models import IndustrialEvent
from ..perms import covers

EVENT_FIELDS = ["company", "siret", "sector", "kind", "occurred_on", "jobs_lost", "jobs_threatened", "description"]
PLACE_FIELDS = ["commune_code", "departement_code", "region_code"]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def current_communes():
    return Commune.objects.of(settings.DEFAULT_EDITION).filter(kind=CommuneKind.CURRENT)


def find_commune(text: str) -> Commune:
    """The commune of the platform's edition named by `text`: an INSEE code, « Nom (code) » or a name (a name shared
    by several communes asks for the code). Refusals in French."""
    text = " ".join(text.split())
    code = commune_code_in(text)
    matches = communes_named(text, settings.DEFAULT_EDITION)
    if code is not None and not matches:
        raise forms.ValidationError(f"Aucune commune ne porte le code INSEE « {code} ».")
    if not matches:
        raise forms.ValidationError(
            f"Aucune commune ne s'appelle « {text} » : vérifiez le nom ou donnez son code INSEE."
        )
    if len(matches) > 1:
        listed = ", ".join(f"{c.name} ({c.code}, dép. {c.departement_code})" for c in matches)
        raise forms.ValidationError(f"Plusieurs communes s'appellent « {text} » : indiquez son code INSEE ({listed}).")
    return matches[0]


class IndustrialEventForm(RevisionFormMixin, DsfrModelForm):
    # Spaces are welcome while typing (« 443 061 841 00047 »); the check counts the digits.
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        required=False,
        help_text="Facultatif : 14 chiffres (SIREN de l'entreprise et numéro de l'établissement).",
    )
    commune = forms.CharField(
        label="Commune", max_length=200, help_text="Nom ou code INSEE, par exemple « Beta-ville » ou « 01002 »."
    )

    class Meta:
        model = IndustrialEvent
        fields = EVENT_FIELDS
        widgets = {"occurred_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "sector": "Par exemple « 29.32Z Fabrication d'autres équipements automobiles ».",
        }

    field_order = ["company", "siret", "commune", "sector", "kind", "occurred_on", "jobs_lost", "jobs_threatened"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.carry_revision(self.instance)
        if self.instance.pk:
            name = current_communes().filter(code=self.instance.commune_code).values_list("name", flat=True).first()
            code = self.instance.commune_code
            self.initial["commune"] = f"{name} ({code})" if name else code

    def clean_commune(self):
        commune = find_commune(self.cleaned_data["commune"])
        if not covers(self.actor, departement_code=commune.departement_code, region_code=commune.region_code):
            raise forms.ValidationError(
                f"{commune.name} ({commune.code}) est hors de votre périmètre : vous déclarez les événements de vos "
                "départements ou de vos régions."
            )
        self.place = {
            "commune_code": commune.code,
            "departement_code": commune.departement_code,
            "region_code": commune.region_code,
        }
        return str(commune)

    def clean_siret(self):
        siret = "".join(self.cleaned_data["siret"].split())
        if siret and not siret_is_valid(siret):
            raise forms.ValidationError("Ce SIRET n'est pas valide : 14 chiffres dont la clé de contrôle est juste.")
        return siret

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("jobs_lost") is None and data.get("jobs_threatened") is None:
            self.add_error(
                "jobs_lost", "Indiquez les emplois supprimés ou les emplois menacés (au moins l'un des deux)."
            )
        return data

    def save(self, commit=True) -> IndustrialEvent | None:
        """The saved event, or None (and `self.conflict`) when someone saved it since the form was opened."""
        try:
            with transaction.atomic():
                return self._update() if self.instance.pk else self._create()
        except EditConflict as error:
            saved = IndustrialEvent.objects.get(pk=self.instance.pk)
            rows = [row("Commune (code INSEE)", self.place["commune_code"], saved.commune_code)]
            self.refuse(error, saved, rows + self.field_rows(saved, EVENT_FIELDS))
            return None

    def _create(self) -> IndustrialEvent:
        event = super().save(commit=False)
        for name, value in self.place.items():
            setattr(event, name, value)
        event.declared_by, event.organisation = self.actor, self.actor.organisation
        event.save()
        changes = field_changes(None, event, PLACE_FIELDS + EVENT_FIELDS)
        record(actor=self.actor, action="targeting.event_declare", obj=event, changes=changes)
        return event

    def _update(self) -> IndustrialEvent:
        before = IndustrialEvent.objects.select_for_update().get(pk=self.instance.pk)
        event = self.instance
        values = {name: self.cleaned_data[name] for name in EVENT_FIELDS} | self.place
        for name, value in values.items():
            setattr(event, name, value)
        changes = field_changes(before, event, PLACE_FIELDS + EVENT_FIELDS)
        if not changes:  # nothing changed: no new revision, no audit row
            event.revision = before.revision
            return event
        event.revision = revise(IndustrialEvent.objects, before.pk, self.submitted_revision, STALE, **values)
        record(actor=self.actor, action="targeting.event_change", obj=event, changes=changes)
        return event


class EventFilterForm(DsfrForm):
    """Filters of the list of events (GET): région, département, nature, year. Unknown values are refused in French."""

    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes")] + EventKind.choices)
    year = forms.IntegerField(label="Année", required=False, min_value=1990, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        edition = settings.DEFAULT_EDITION
        regions = Region.objects.filter(edition_id=edition).order_by("name").values_list("code", "name")
        departements = Departement.objects.filter(edition_id=edition).order_by("code").values_list("code", "name")
        self.fields["region"].choices = [("", "Toutes")] + [(c, n) for c, n in regions]
        self.fields["departement"].choices = [("", "Tous")] + [(c, f"{c} – {n}") for c, n in departements]

    def filter(self, events):
        data = self.cleaned_data
        if data.get("region"):
            events = events.filter(region_code=data["region"])
        if data.get("departement"):
            events = events.filter(departement_code=data["departement"])
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("year"):
            events = events.filter(occurred_on__year=data["year"])
        return events
