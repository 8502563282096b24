"""The dashboard of the labelled sites on their way to « ready to host »: how many are ready now, by year of
availability, by région. A site is ready to host once its « disponibilité du site » milestone is done (on or before
today); its year is the year it was made available, else the year planned."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from .enums import LabelState, MilestoneKind
from .models import Milestone, Site

NO_DATE = "sans date"


@dataclass
class SiteProgress:
    site: Site
    milestones: dict  # kind → Milestone
    today: date

    @property
    def availability(self) -> Milestone | None:
        return self.milestones.get(MilestoneKind.AVAILABILITY)

    @property
    def is_ready(self) -> bool:
        done = self.availability.done_on if self.availability else None
        return done is not None and done <= self.today

    @property
    def year(self):
        if self.availability is None:
            return NO_DATE
        day = self.availability.done_on or self.availability.planned_on
        return str(day.year) if day else NO_DATE

    @property
    def done_count(self) -> int:
        return sum(1 for m in self.milestones.values() if m.done_on and m.done_on <= self.today)


@dataclass
class Dashboard:
    rows: list[SiteProgress]
    by_year: list[tuple] = field(default_factory=list)  # (year, count)
    by_region: list[tuple] = field(default_factory=list)  # (région code, labelled, ready)

    @property
    def ready_count(self) -> int:
        return sum(1 for row in self.rows if row.is_ready)


def labelled_sites():
    return Site.objects.filter(label_state=LabelState.LABELLED).prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("kind"))
    )


def dashboard(today: date) -> Dashboard:
    """Two queries, whatever the number of sites."""
    rows = [SiteProgress(site, {m.kind: m for m in site.milestones.all()}, today) for site in labelled_sites()]
    years = Counter(row.year for row in rows)
    labelled = Counter(row.site.region_code for row in rows)
    ready = Counter(row.site.region_code for row in rows if row.is_ready)
    return Dashboard(
        rows=rows,
        by_year=sorted(years.items(), key=lambda item: (item[0] == NO_DATE, item[0])),
        by_region=[(code, labelled[code], ready[code]) for code in sorted(labelled)],
    )
