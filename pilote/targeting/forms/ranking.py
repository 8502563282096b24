"""Forms of the diagnosis pages: they read the query string, so that views never parse request.GET by hand."""

from django import forms
from django.conf import settings

from pilote.geography.models import Region
from pilote.territories.forms import current_phase
from pilote.territories.models import Phase

from ..models import Indicator, MethodVersion
from ..ranking import EPCI, SCORE, SORTS, default_version, published_versions


def version_key(version: MethodVersion) -> str:
    """How a method version is named in a query string: « indice-fragilite-v1 »."""
    return f"{version.method.slug}-v{version.number}"


def version_label(version: MethodVersion) -> str:
    return f"{version.method.name}, version {version.number}"


class RankingForm(forms.Form):
    """Which units (territories of a phase, or EPCI), région, mapped indicator, method version, and the sort."""

    niveau = forms.ChoiceField(label="Unités classées", required=False)
    region = forms.ChoiceField(label="Région", required=False)
    indicateur = forms.ChoiceField(label="Indicateur cartographié", required=False)
    version = forms.ChoiceField(label="Version de la méthode", required=False)
    tri = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])
    ordre = forms.ChoiceField(required=False, choices=[("asc", "croissant"), ("desc", "décroissant")])

    def __init__(self, data):
        phases = list(Phase.objects.all())
        self.default_phase = current_phase(phases).slug if phases else EPCI
        self.versions = {version_key(v): v for v in published_versions()}
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        data = data.copy()  # the selects show the defaults the page applies
        data.setdefault("niveau", self.default_phase)
        default = default_version(list(self.versions.values()))
        if default is not None:
            data.setdefault("version", version_key(default))
        super().__init__(data)
        self.fields["niveau"].choices = [(p.slug, f"Territoires d'industrie {p.name.lower()}") for p in phases] + [
            (EPCI, "Intercommunalités (EPCI)")
        ]
        self.fields["region"].choices = [("", "Toutes")] + [
            (r.code, r.name) for r in Region.objects.of(settings.DEFAULT_EDITION).order_by("name")
        ]
        self.fields["indicateur"].choices = [(SCORE, "Score de fragilité")] + [
            (code, indicator.label) for code, indicator in self.indicators.items()
        ]
        self.fields["version"].choices = [(key, version_label(v)) for key, v in self.versions.items()]

    def _chosen(self, name: str, default: str = "") -> str:
        return (self.cleaned_data.get(name) if self.is_valid() else "") or default

    def phase_slug(self) -> str:
        """The territories' phase, or "" for the EPCI."""
        chosen = self._chosen("niveau", self.default_phase)
        return "" if chosen == EPCI else chosen

    def chosen_region(self) -> str:
        return self._chosen("region")

    def indicator(self) -> Indicator | None:
        return self.indicators.get(self._chosen("indicateur"))

    def chosen_version(self) -> MethodVersion | None:
        chosen = self._chosen("version")
        if chosen:
            return self.versions[chosen]
        return default_version(list(self.versions.values()))

    def sort(self) -> tuple[str, bool]:
        """(column, descending); the default is the national rank, the most fragile first."""
        return self._chosen("tri", "rang"), self._chosen("ordre", "asc") == "desc"
