"""Campaign dashboard figures: a fixed number of queries, whatever the number of files."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from pilote.territories.figures import place_names

from .enums import FileState
from .models import FileEvent, OpinionRequest, PerimeterChangeRequest, TerritoryFile

# The snapshots a file holds: large JSON that neither the dashboard nor the exports read (decoding them for 183 files
# took half of the dashboard's time).
SNAPSHOTS = ("baseline_plan", "baseline_governance", "proposed_plan", "proposed_governance")


@dataclass
class RegionRow:
    code: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in FileState.values]

    @property
    def state_cells(self) -> list[tuple[str, int]]:
        """(state, count) in the order of the columns: each count links to the inbox filtered on it."""
        return [(state, self.counts.get(state, 0)) for state in FileState.values]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def files_of(campaign, user):
    """The campaign's files in the user's scope, with what the dashboard and exports show, in one query."""
    started = Exists(FileEvent.objects.filter(file=OuterRef("pk"))) | Exists(
        PerimeterChangeRequest.objects.filter(file=OuterRef("pk"))
    )
    today = timezone.localdate()
    return (
        TerritoryFile.objects.filter(campaign=campaign)
        .visible_to(user)
        .select_related("territory")
        .defer(*SNAPSHOTS)
        .annotate(
            is_started=started,
            opinions_asked=Count("opinion_requests", distinct=True),
            opinions_given=Count("opinion_requests__opinion", distinct=True),
            opinions_late=Count(
                "opinion_requests",
                filter=Q(opinion_requests__opinion__isnull=True, opinion_requests__deadline__lt=today),
                distinct=True,
            ),
        )
        .order_by("territory__code")
    )


def dashboard(campaign, user) -> dict:
    files = list(files_of(campaign, user))
    regions, _ = place_names(settings.DEFAULT_EDITION)
    by_region: dict[str, RegionRow] = {}
    for f in files:
        code = f.territory.region_code
        row = by_region.setdefault(code, RegionRow(code, regions.get(code, code)))
        row.counts[f.state] = row.counts.get(f.state, 0) + 1
    late = (
        OpinionRequest.objects.late()
        .filter(file__in=[f.pk for f in files])
        .select_related("file__territory", "organisation")
        .defer(*(f"file__{name}" for name in SNAPSHOTS))
        .order_by("deadline", "file__territory__code")
    )
    return {
        "files": files,
        "totals": Counter(f.state for f in files),
        "state_totals": [(state, sum(1 for f in files if f.state == state)) for state in FileState.values],
        "states": FileState.choices,
        "regions": sorted(by_region.values(), key=lambda r: r.name),
        "late_opinions": list(late),
        "not_started": [f for f in files if f.state == FileState.DRAFT and not f.is_started],
    }


EXPORT_HEADER = [
    "code",
    "territoire",
    "région",
    "état",
    "déposé le",
    "validé le",
    "avis demandés",
    "avis rendus",
    "avis en retard",
    "commencé",
]


def export_rows(files, region_names: dict) -> list[list]:
    return [
        [
            f.territory.code,
            f.territory.name,
            region_names.get(f.territory.region_code, f.territory.region_code),
            f.get_state_display(),
            timezone.localtime(f.submitted_at).strftime("%d/%m/%Y") if f.submitted_at else "",
            timezone.localtime(f.validated_at).strftime("%d/%m/%Y") if f.validated_at else "",
            f.opinions_asked,
            f.opinions_given,
            f.opinions_late,
            "oui" if f.is_started or f.state != FileState.DRAFT else "non",
        ]
        for f in files
    ]
