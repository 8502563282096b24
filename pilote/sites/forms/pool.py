"""The filters of the public pool of sites: région, nature, labelling state, minimum score. They read the query
string, so that views never parse request.GET by hand; a bad value is a French error and an empty list."""

from django import forms

from pilote.core.forms import DsfrForm

from ..enums import LabelState, SiteKind
from ..public import SORTS_DEFAULT

SORTS = {"score": SORTS_DEFAULT, "nom": ("name", "identifier")}


class PoolFilterForm(DsfrForm):
    region = forms.ChoiceField(label="Région", required=False)
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes")] + SiteKind.choices)
    etat = forms.ChoiceField(label="Labellisation", required=False, choices=[("", "Tous")] + LabelState.choices)
    score_min = forms.FloatField(
        label="Score minimal",
        required=False,
        min_value=0,
        error_messages={"invalid": "Le score minimal doit être un nombre."},
    )
    tri = forms.ChoiceField(label="Trier par", required=False, choices=[("score", "score décroissant"), ("nom", "nom")])

    def __init__(self, data, *, regions: dict[str, str]):
        super().__init__(data)
        self.fields["region"].choices = [("", "Toutes")] + sorted(regions.items(), key=lambda item: item[1])
        self.fields["region"].error_messages["invalid_choice"] = "Région inconnue : %(value)s."
        self.fields["nature"].error_messages["invalid_choice"] = "Nature de site inconnue : %(value)s."
        self.fields["etat"].error_messages["invalid_choice"] = "État de labellisation inconnu : %(value)s."
        self.fields["tri"].error_messages["invalid_choice"] = "Tri inconnu : %(value)s."

    def filter(self, sites):
        """The sites (annotated with `score`) that pass the valid filters, in the chosen order."""
        data = self.cleaned_data
        if data.get("region"):
            sites = sites.filter(region_code=data["region"])
        if data.get("nature"):
            sites = sites.filter(kind=data["nature"])
        if data.get("etat"):
            sites = sites.filter(label_state=data["etat"])
        if data.get("score_min") is not None:
            sites = sites.filter(score__gte=data["score_min"])
        return sites.order_by(*SORTS[data.get("tri") or "score"])
