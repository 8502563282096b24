"""The method page: what each indicator means, its source, vintage, weight and direction; the published versions;
and two versions side by side (who moves up, who moves down), through the index's `compare`."""

from dataclasses import dataclass

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilote.core.breadcrumbs import crumbs
from pilote.core.pagecache import public_cache

from ..forms.method import THRESHOLDS
from ..forms.ranking import version_key, version_label
from ..models import Indicator, MethodVersion, MethodWeight, Scoring
from ..ranking import default_version, latest_scoring, published_versions, unit_names
from . import table_export

MOVERS = 20  # rows shown for each direction; the export has them all


class MethodForm(forms.Form):
    version = forms.ChoiceField(label="Version présentée", required=False)
    a = forms.ChoiceField(label="Version de référence", required=False)
    b = forms.ChoiceField(label="Version comparée", required=False)

    def __init__(self, data, versions: list[MethodVersion]):
        super().__init__(data)
        self.versions = {version_key(v): v for v in versions}
        choices = [(key, version_label(v)) for key, v in self.versions.items()]
        for name in ("version", "a", "b"):
            self.fields[name].choices = choices

    def chosen(self, name: str) -> MethodVersion | None:
        return self.versions.get(self.cleaned_data.get(name)) if self.is_valid() else None


@dataclass
class IndicatorLine:
    indicator: Indicator
    weight: float | None
    share: float | None  # weight / sum of weights, in %
    vintage: str


def indicator_lines(version: MethodVersion | None, scoring: Scoring | None) -> list[IndicatorLine]:
    """Every indicator of the catalogue with its weight in `version` (None: not in the index) and the vintage the
    newest computation used. Two queries."""
    weights = {}
    if version is not None:
        weights = dict(MethodWeight.objects.filter(version=version).values_list("indicator_id", "weight"))
    total = sum(weights.values()) or 1.0
    vintages = (scoring.computation.vintages or {}) if scoring else {}
    lines = []
    for indicator in Indicator.objects.select_related(None).all():
        weight = weights.get(indicator.pk)
        vintage = vintages.get(indicator.code, "")
        vintage = ", ".join(map(str, vintage)) if isinstance(vintage, list) else str(vintage or "")
        lines.append(IndicatorLine(indicator, weight, None if weight is None else 100 * weight / total, vintage))
    return lines


@dataclass
class Move:
    level: str
    phase_slug: str
    code: str
    name: str
    rank_a: int | None
    rank_b: int | None

    @property
    def places(self) -> int:
        """Places gained towards rank 1 (the most fragile) from a to b; negative when the unit moves down."""
        return (self.rank_a or 0) - (self.rank_b or 0)


def _field(row, name: str, position: int):
    return getattr(row, name) if hasattr(row, name) else row[position]


def comparison(scoring_a: Scoring, scoring_b: Scoring) -> list[Move]:
    """Every unit ranked by both scorings, most moved first, named."""
    from ..index import compare  # tindex's comparison: the one rule of who moves where

    rows = compare(scoring_a, scoring_b)
    fields = ("level", "phase_slug", "code", "rank_a", "rank_b")
    moves = [Move(name="", **{name: _field(row, name, i) for i, name in enumerate(fields)}) for row in rows]
    edition = scoring_b.computation.edition_id
    names = {phase: unit_names(phase, edition) for phase in {m.phase_slug for m in moves}}
    for move in moves:
        move.name = names[move.phase_slug].get(move.code, move.code)
    return sorted(moves, key=lambda m: (-abs(m.places), m.name))


def _compared(form: MethodForm):
    a, b = form.chosen("a"), form.chosen("b")
    if a is None or b is None or a == b:
        return None
    scoring_a, scoring_b = latest_scoring(a), latest_scoring(b)
    if scoring_a is None or scoring_b is None:
        return []
    return comparison(scoring_a, scoring_b)


@require_GET
@public_cache
def method(request):
    versions = published_versions()
    form = MethodForm(request.GET, versions)
    version = form.chosen("version") or default_version(versions)
    scoring = latest_scoring(version)
    moves = _compared(form)
    context = {
        "form": form,
        "version": version,
        "versions": versions,
        "scoring": scoring,
        "lines": indicator_lines(version, scoring),
        "thresholds": threshold_lines(version),
        "moves": moves,
        "up": [m for m in moves or [] if m.places > 0][:MOVERS],
        "down": [m for m in moves or [] if m.places < 0][:MOVERS],
        "query": request.GET.urlencode(),
        "breadcrumb_data": crumbs("Méthode de l'indice de fragilité", (reverse("targeting:ranking"), "Classement")),
    }
    return render(request, "targeting/method.html", context, status=400 if form.errors else 200)


def threshold_lines(version: MethodVersion | None) -> list[tuple[str, str]]:
    """The version's shock thresholds as people read them: the label of the method form, the value in French, in
    the form's order (a JSON object keeps none on PostgreSQL)."""
    thresholds = (version.thresholds if version else None) or {}
    order = {key: rank for rank, key in enumerate(THRESHOLDS)}
    keys = sorted(thresholds, key=lambda key: (order.get(key, len(order)), key))
    return [(THRESHOLDS.get(key, (key,))[0], f"{thresholds[key]:g}".replace(".", ",")) for key in keys]


@require_GET
@public_cache
def method_export(request, fmt: str):
    versions = published_versions()
    form = MethodForm(request.GET, versions)
    version = form.chosen("version") or default_version(versions)
    header = ["code", "indicateur", "unité", "sens", "source", "millésime", "poids", "part du poids (%)"]
    rows = [
        [
            line.indicator.code,
            line.indicator.label,
            line.indicator.unit,
            line.indicator.get_direction_display(),
            line.indicator.source,
            line.vintage,
            line.weight,
            line.share,
        ]
        for line in indicator_lines(version, latest_scoring(version))
    ]
    return table_export(fmt, "methode-indicateurs", header, rows)


@require_GET
@public_cache
def comparison_export(request, fmt: str):
    form = MethodForm(request.GET, published_versions())
    moves = _compared(form) or []
    header = ["géographie", "phase", "code", "nom", "rang (référence)", "rang (comparée)", "places gagnées"]
    rows = [[m.level, m.phase_slug, m.code, m.name, m.rank_a, m.rank_b, m.places] for m in moves]
    return table_export(fmt, "comparaison-methodes", header, rows)
