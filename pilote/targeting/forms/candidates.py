"""The form of the candidates page: which programme phase the EPCI are outside of, and which method version."""

from django import forms

from pilote.territories.forms import current_phase
from pilote.territories.models import Phase

from ..models import MethodVersion
from ..ranking import default_version, published_versions
from .ranking import version_key, version_label


class CandidatesForm(forms.Form):
    phase = forms.ChoiceField(label="Phase du programme", required=False)
    version = forms.ChoiceField(label="Version de la méthode", required=False)

    def __init__(self, data):
        phases = list(Phase.objects.all())
        self.default_phase = current_phase(phases).slug if phases else ""
        self.versions = {version_key(v): v for v in published_versions()}
        data = data.copy()  # the selects show the defaults the page applies
        data.setdefault("phase", self.default_phase)
        default = default_version(list(self.versions.values()))
        if default is not None:
            data.setdefault("version", version_key(default))
        super().__init__(data)
        self.fields["phase"].choices = [(p.slug, f"Territoires d'industrie {p.name.lower()}") for p in phases]
        self.fields["version"].choices = [(key, version_label(v)) for key, v in self.versions.items()]

    def _chosen(self, name: str, default: str = "") -> str:
        return (self.cleaned_data.get(name) if self.is_valid() else "") or default

    def phase_slug(self) -> str:
        return self._chosen("phase", self.default_phase)

    def chosen_version(self) -> MethodVersion | None:
        chosen = self._chosen("version")
        return self.versions[chosen] if chosen else default_version(list(self.versions.values()))
