"""Forms of the public pages: they read the query string, so that views never parse request.GET by hand."""

from django import forms
from django.conf import settings
from django.http import Http404

from pilote.geography.models import Departement, Region

from .models import PerimeterVersion, Phase, Resolution

SORTS = {
    "nom": ("Nom", lambda row: (row.territory.name.lower(), row.territory.code)),
    "code": ("Code", lambda row: row.territory.code),
    "population": ("Population (décroissante)", lambda row: (-row.population, row.territory.code)),
    "communes": ("Nombre de communes (décroissant)", lambda row: (-row.communes, row.territory.code)),
}


def current_phase(phases: list[Phase]) -> Phase:
    if not phases:
        raise Http404("Aucune phase importée")
    return phases[-1]


class TerritoryFilterForm(forms.Form):
    phase = forms.ChoiceField(label="Phase", required=False)
    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    q = forms.CharField(label="Nom ou code", required=False, max_length=100)
    tri = forms.ChoiceField(label="Trier par", required=False, choices=[(k, v[0]) for k, v in SORTS.items()])

    def __init__(self, data, *, phases: list[Phase], edition: int):
        data = data.copy()
        data.setdefault("phase", current_phase(phases).slug)
        super().__init__(data)
        self.phases = {p.slug: p for p in phases}
        self.fields["phase"].choices = [(p.slug, p.name) for p in phases]
        self.fields["region"].choices = [("", "Toutes")] + [
            (r.code, r.name) for r in Region.objects.of(edition).order_by("name")
        ]
        self.fields["departement"].choices = [("", "Tous")] + [
            (d.code, f"{d.code} – {d.name}") for d in Departement.objects.of(edition)
        ]

    def chosen_phase(self) -> Phase:
        return self.phases.get(self.cleaned_data.get("phase")) or current_phase(list(self.phases.values()))

    def sort_key(self):
        return SORTS[self.cleaned_data.get("tri") or "nom"][1]


class PhaseCompareForm(forms.Form):
    """Which two phases, on which edition, and the old phase's map on which date (default: its latest state)."""

    ancienne = forms.ChoiceField(label="Ancienne phase")
    nouvelle = forms.ChoiceField(label="Nouvelle phase")
    millesime = forms.TypedChoiceField(label="Millésime de la géographie", coerce=int)
    etat_ancien = forms.ChoiceField(label="État de l'ancienne phase au", required=False)

    def __init__(self, data, *, phases: list[Phase]):
        data = data.copy()
        data.setdefault("ancienne", phases[0].slug)
        data.setdefault("nouvelle", phases[-1].slug)
        data.setdefault("millesime", str(settings.DEFAULT_EDITION))
        super().__init__(data)
        self.phases = {p.slug: p for p in phases}
        self.fields["ancienne"].choices = self.fields["nouvelle"].choices = [(p.slug, p.name) for p in phases]
        # Only editions on which perimeters are already resolved: a page must never trigger a resolution.
        editions = Resolution.objects.values_list("edition_id", flat=True).distinct().order_by("-edition_id")
        self.fields["millesime"].choices = [(year, f"COG {year}") for year in editions]
        old = self.phases.get(data.get("ancienne"))
        self.dates = PerimeterVersion.objects.valid_dates(old) if old else []
        self.fields["etat_ancien"].choices = [("", "Dernier état connu")] + [
            (d.isoformat(), d.strftime("%d/%m/%Y")) for d in reversed(self.dates)
        ]

    def clean(self):
        data = super().clean()
        if data.get("ancienne") and data.get("ancienne") == data.get("nouvelle"):
            raise forms.ValidationError("Choisissez deux phases différentes.")
        return data

    def params(self) -> dict:
        """Keyword arguments of `compare_phases`."""
        chosen = self.cleaned_data.get("etat_ancien")
        old_on = next((d for d in self.dates if d.isoformat() == chosen), None) if chosen else None
        return {
            "old": self.phases[self.cleaned_data["ancienne"]],
            "new": self.phases[self.cleaned_data["nouvelle"]],
            "edition": self.cleaned_data["millesime"],
            "old_on": old_on or (self.dates[-1] if self.dates else None),
        }
