"""Forms of the targeting capability."""

from django import forms
from django.db import transaction
from django.db.models import Max

from pilote.core.forms import DsfrForm

from .. import index
from ..enums import Direction, MissingValues, Transformation
from ..models import Indicator, Method, MethodVersion, MethodWeight

# Threshold fields of a method version: name → (label, field class, options)
THRESHOLDS = {
    "unemployment_rise_points": (
        "Alerte chômage : hausse de plus que la France, en points",
        forms.FloatField,
        {"min_value": 0.1, "max_value": 20},
    ),
    "unemployment_quarters": (
        "Alerte chômage : sur combien de trimestres",
        forms.IntegerField,
        {"min_value": 1, "max_value": 20},
    ),
    "industrial_jobs_fall_percent": (
        "Alerte emploi industriel : baisse sur un an, en %",
        forms.FloatField,
        {"min_value": 0.1, "max_value": 100},
    ),
    "salaried_jobs_fall_percent": (
        "Alerte emploi salarié : baisse sur un an, en %",
        forms.FloatField,
        {"min_value": 0.1, "max_value": 100},
    ),
    "min_jobs": (
        "Alertes emploi : effectif minimal l'année précédente",
        forms.IntegerField,
        {"min_value": 0, "max_value": 1_000_000},
    ),
    "candidate_top_share": (
        "Candidats : part des EPCI les plus fragiles retenue (0 à 1)",
        forms.FloatField,
        {"min_value": 0.01, "max_value": 1},
    ),
}


class MethodVersionForm(DsfrForm):
    """A new version of a method: its content starts from the latest version's; saving publishes it (a published
    version never changes, so this is the only way to change a method)."""

    transformation = forms.ChoiceField(label="Transformation des indicateurs", choices=Transformation.choices)
    missing_values = forms.ChoiceField(label="Valeurs manquantes", choices=MissingValues.choices)
    notes = forms.CharField(label="Ce qui change (publié avec la version)", max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, method_slug: str = index.DEFAULT_SLUG, **kwargs):
        self.method_slug = method_slug
        self.latest = index.latest_version(method_slug)
        super().__init__(*args, initial=self.initial_values(), **kwargs)
        self.indicators = list(Indicator.objects.exclude(direction=Direction.NEUTRAL).order_by("order", "code"))
        for indicator in self.indicators:
            self.fields[f"weight_{indicator.code}"] = forms.FloatField(
                label=f"Poids : {indicator.label}", min_value=0, max_value=100, required=False
            )
        for name, (label, field, options) in THRESHOLDS.items():
            self.fields[f"threshold_{name}"] = field(label=label, **options)

    def initial_values(self) -> dict:
        latest = self.latest
        thresholds = index.thresholds_of(latest) if latest else index.DEFAULT_THRESHOLDS
        initial = {f"threshold_{name}": value for name, value in thresholds.items()}
        if latest is None:
            return {**initial, **{f"weight_{code}": w for code, w in index.DEFAULT_WEIGHTS.items()}}
        initial.update({"transformation": latest.transformation, "missing_values": latest.missing_values})
        initial.update({f"weight_{code}": w for code, w in latest.weights.values_list("indicator__code", "weight")})
        return initial

    def clean(self):
        data = super().clean()
        if not any(data.get(f"weight_{i.code}") for i in self.indicators):
            raise forms.ValidationError("Donnez un poids positif à au moins un indicateur.")
        return data

    def save(self, actor) -> MethodVersion:
        data = self.cleaned_data
        with transaction.atomic():
            method, _ = Method.objects.get_or_create(slug=self.method_slug, defaults={"name": "Indice de fragilité"})
            method = Method.objects.select_for_update().get(pk=method.pk)  # two editors: one number each
            number = (method.versions.aggregate(last=Max("number"))["last"] or 0) + 1
            version = MethodVersion.objects.create(
                method=method,
                number=number,
                transformation=data["transformation"],
                missing_values=data["missing_values"],
                thresholds={name: data[f"threshold_{name}"] for name in THRESHOLDS},
                notes=data["notes"],
                created_by=actor,
            )
            MethodWeight.objects.bulk_create(
                MethodWeight(version=version, indicator=i, weight=data[f"weight_{i.code}"])
                for i in self.indicators
                if data.get(f"weight_{i.code}")
            )
            index.publish(version)
            index.record_version(version, actor=actor)
        return version
