"""EPCI outside the programme with a high fragility score, "candidates to join the map", each with the territory of
the programme nearest to it (issue 10): the page, its CSV/XLSX export. The rule is `index.candidates` (no commune in
a current territory of the phase, a score in the top share of EPCI scores set by the method's thresholds)."""

from dataclasses import asdict, dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilote.core.breadcrumbs import crumbs
from pilote.core.pagecache import public_cache
from pilote.territories.figures import region_names

from .. import index
from ..enums import Level
from ..forms.candidates import CandidatesForm
from ..forms.ranking import version_label
from ..models import Score, Scoring
from ..ranking import latest_scoring
from . import table_export


@dataclass(frozen=True)
class Row(index.Candidate):
    region_name: str = ""


@dataclass
class Candidates:
    scoring: Scoring
    phase_slug: str
    rows: list[Row]
    ranked: int  # EPCI with a national rank: what the ranks are out of
    top_share: float  # the share of the best-ranked EPCI a candidate belongs to (method threshold)


def candidates_of(form: CandidatesForm) -> Candidates | None:
    """The candidates of the form's phase and method version; None when the version was never computed."""
    scoring = latest_scoring(form.chosen_version())
    if scoring is None:
        return None
    ranked = Score.objects.filter(scoring=scoring, level=Level.EPCI, rank_national__isnull=False).count()
    regions = region_names(scoring.computation.edition_id)
    rows = [
        Row(**asdict(c), region_name=regions.get(c.region_code, c.region_code))
        for c in index.candidates(scoring, phase_slug=form.phase_slug())
    ]
    return Candidates(
        scoring,
        form.phase_slug(),
        rows,
        ranked,
        index.thresholds_of(scoring.method_version)["candidate_top_share"],
    )


@require_GET
@public_cache
def candidates(request):
    form = CandidatesForm(request.GET)
    found = None if form.errors else candidates_of(form)
    version = form.chosen_version()
    context = {
        "form": form,
        "found": found,
        "version_label": version_label(version) if version else "",
        "query": request.GET.urlencode(),
        "breadcrumb_data": crumbs("Candidats à rejoindre la carte", (reverse("targeting:ranking"), "Classement")),
    }
    return render(request, "targeting/candidates.html", context, status=400 if form.errors else 200)


EXPORT_HEADER = [
    "siren",
    "EPCI",
    "région",
    "score",
    "rang national parmi les EPCI",
    "phase",
    "territoire le plus proche (code)",
    "territoire le plus proche",
    "distance (km)",
]


def export_rows(found: Candidates) -> list[list]:
    return [
        [
            c.siren,
            c.name,
            c.region_name,
            c.score,
            c.rank,
            c.nearest_phase_slug,
            c.nearest_code,
            c.nearest_name,
            c.distance_km,
        ]
        for c in found.rows
    ]


@require_GET
@public_cache
def candidates_export(request, fmt: str):
    form = CandidatesForm(request.GET)
    found = None if form.errors else candidates_of(form)
    if found is None:
        return HttpResponse("Aucun candidat à exporter pour ces choix.", status=400 if form.errors else 404)
    return table_export(fmt, f"candidats-{found.phase_slug}", EXPORT_HEADER, export_rows(found))
