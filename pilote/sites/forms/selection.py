"""ANCT's form of a new selection: the objective, the number of sites and the constraints, in the units people use
(hectares, per cent); saved as `Selection.constraints` in the units of `pilote.sites.selection` (m², 0–1)."""

from django import forms
from django.db import transaction

from pilote.core.audit import record
from pilote.core.forms import DsfrForm

from .. import selection as solver
from ..enums import MethodStatus, Objective
from ..models import QualificationMethod, Selection, Site

HECTARE = 10_000


def _ha(label, help_text=""):
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=12, decimal_places=2,
                              help_text=help_text)  # fmt: skip


class SelectionForm(DsfrForm):
    name = forms.CharField(label="Nom de la sélection", max_length=200)
    method = forms.ModelChoiceField(label="Méthode de qualification", queryset=QualificationMethod.objects.none())
    objective = forms.ChoiceField(label="Objectif", choices=Objective.choices, initial=Objective.SCORE)
    size = forms.IntegerField(label="Nombre de sites", min_value=1, max_value=500, initial=50)
    region_max = forms.IntegerField(label="Au plus, par région", required=False, min_value=0, max_value=500)
    region_min = forms.IntegerField(label="Au moins, par région", required=False, min_value=0, max_value=500)
    include_overseas = forms.BooleanField(label="Inclure les régions d'outre-mer", required=False, initial=True)
    current_phase_only = forms.BooleanField(
        label="Seulement les sites des territoires de la phase en cours", required=False
    )
    min_reliability = forms.IntegerField(
        label="Fiabilité minimale (%)", required=False, min_value=0, max_value=100,
        help_text="Part des poids de la méthode reposant sur des faits connus.",
    )  # fmt: skip
    min_area_ha = _ha("Surface minimale (ha)")
    max_area_ha = _ha("Surface maximale (ha)")
    naf_cap_ha = _ha(
        "Plafond de consommation d'espaces NAF (ha)",
        "0 pour le zéro artificialisation nette strict ; vide : sans plafond.",
    )
    budget = forms.DecimalField(
        label="Budget de soutien Banque des Territoires (€)", required=False, min_value=0, max_digits=14,
        decimal_places=2, help_text="Sur les sites dont le coût est connu.",
    )  # fmt: skip
    forced_in = forms.CharField(
        label="Sites imposés", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Identifiants séparés par des espaces, virgules ou retours à la ligne.",
    )  # fmt: skip
    forced_out = forms.CharField(label="Sites écartés", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        methods = QualificationMethod.objects.filter(status=MethodStatus.PUBLISHED)
        self.fields["method"].queryset = methods
        self.fields["method"].initial = methods.first()

    def _identifiers(self, name: str) -> list[str]:
        values = sorted(set(self.cleaned_data.get(name, "").replace(",", " ").split()))
        known = set(Site.objects.filter(identifier__in=values).values_list("identifier", flat=True))
        unknown = [v for v in values if v not in known]
        if unknown:
            raise forms.ValidationError(f"Site(s) inconnu(s) : {', '.join(unknown[:10])}.")
        return values

    def clean_forced_in(self):
        return self._identifiers("forced_in")

    def clean_forced_out(self):
        return self._identifiers("forced_out")

    def clean(self):
        data = super().clean()
        pairs = [("region_min", "region_max", "par région"), ("min_area_ha", "max_area_ha", "de surface")]
        for low, high, what in pairs:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, f"Le maximum {what} est inférieur au minimum.")
        method, forced = data.get("method"), data.get("forced_in") or []
        if method and forced:
            scored = set(method.scores.filter(site__identifier__in=forced).values_list("site__identifier", flat=True))
            unscored = [identifier for identifier in forced if identifier not in scored]
            if unscored:
                self.add_error(
                    "forced_in", f"Site(s) non noté(s) par cette version de la méthode : {', '.join(unscored)}."
                )
        both = set(data.get("forced_in") or []) & set(data.get("forced_out") or [])
        if both:
            self.add_error("forced_out", f"Site(s) à la fois imposé(s) et écarté(s) : {', '.join(sorted(both))}.")
        return data

    def constraints(self) -> dict:
        d = self.cleaned_data

        def m2(name):
            return None if d[name] is None else float(d[name]) * HECTARE

        return {
            "region_max": d["region_max"],
            "region_min": d["region_min"] or None,
            "include_overseas": d["include_overseas"],
            "current_phase_only": d["current_phase_only"],
            "min_reliability": None if d["min_reliability"] is None else d["min_reliability"] / 100,
            "min_area_m2": m2("min_area_ha"),
            "max_area_m2": m2("max_area_ha"),
            "naf_cap_m2": m2("naf_cap_ha"),
            "budget": None if d["budget"] is None else float(d["budget"]),
            "forced_in": d["forced_in"],
            "forced_out": d["forced_out"],
        }

    @transaction.atomic
    def save(self, user) -> Selection:
        d = self.cleaned_data
        selection = Selection.objects.create(
            name=d["name"], method=d["method"], objective=d["objective"], size=d["size"],
            constraints=self.constraints(), created_by=user,
        )  # fmt: skip
        solver.run(selection)
        record(
            actor=user, action="selection.create", obj=selection,
            changes={"objective": [None, selection.objective], "size": [None, selection.size],
                     "status": [None, selection.status]},
        )  # fmt: skip
        return selection
