"""The inbox (`/espace/campagnes/`): for each person, what is theirs to do first — the opinions asked of their
organisation (deadline, late ones marked), the files to instruct (ANCT: déposés, en instruction), the files returned
« à compléter » (the team) — then the other files of their scope; filters and pages. `todo_counts` gives the same
counts in one query for « Mon espace » and the header (registry `inbox_counts`)."""

from django import forms
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from pilote.core import perms
from pilote.core.forms import DsfrForm
from pilote.core.registry import Todo
from pilote.territories.models import Territory

from .dashboard import SNAPSHOTS
from .enums import FileState
from .models import OpinionRequest, TerritoryFile

PAGE_SIZE = 50
TO_INSTRUCT = (FileState.SUBMITTED, FileState.IN_REVIEW)


def _team_q(user, prefix: str = "") -> Q | None:
    """The files of the territories whose team the person belongs to."""
    teams = perms.team_territories(user)
    if not teams:
        return None
    q = Q()
    for phase_slug, code in teams:
        q |= Q(**{f"{prefix}territory__phase__slug": phase_slug, f"{prefix}territory__code": code})
    return q


def files_todo_q(user) -> Q | None:
    """Files that wait for this person (besides opinions): to instruct for ANCT, to complete for the team."""
    q = Q(state__in=TO_INSTRUCT) if perms.is_national(user) else None
    team = _team_q(user)
    if team is not None:
        team &= Q(state=FileState.TO_COMPLETE)
        q = team if q is None else q | team
    return q


def todo_counts(user) -> dict[str, int]:
    """{"opinions", "late", "to_instruct", "to_complete"} (only the keys that concern the person), one query; {} and
    no query for someone who has nothing to do here. Opinions are those awaited from the person's organisation."""
    if not user.is_authenticated:
        return {}
    counts = {}
    if user.organisation_id:
        awaited = Q(
            opinion_requests__organisation_id=user.organisation_id,
            opinion_requests__opinion__isnull=True,
            state=FileState.IN_REVIEW,
        )
        counts["opinions"] = Count("opinion_requests", distinct=True, filter=awaited)
        late = awaited & Q(opinion_requests__deadline__lt=timezone.localdate())
        counts["late"] = Count("opinion_requests", distinct=True, filter=late)
    if perms.is_national(user):
        counts["to_instruct"] = Count("pk", distinct=True, filter=Q(state__in=TO_INSTRUCT))
    team = _team_q(user)
    if team is not None:
        counts["to_complete"] = Count("pk", distinct=True, filter=team & Q(state=FileState.TO_COMPLETE))
    return TerritoryFile.objects.aggregate(**counts) if counts else {}


def _s(count: int) -> str:
    return "s" if count > 1 else ""


def todo_items(user) -> list[Todo]:
    """The registry's `inbox_counts` of campaigns: what « Mon espace » and the header show, with a link each."""
    counts = todo_counts(user)
    url = reverse("campaigns:list") + "?todo=1"
    items = []
    if "opinions" in counts:
        late = f", dont {counts['late']} en retard" if counts["late"] else ""
        label = f"avis attendu{_s(counts['opinions'])} de votre organisme{late}"
        items.append(Todo(label, counts["opinions"], url))
    if "to_instruct" in counts:
        n = counts["to_instruct"]
        items.append(Todo(f"dossier{_s(n)} déposé{_s(n)} ou en instruction, à instruire", n, url))
    if "to_complete" in counts:
        n = counts["to_complete"]
        items.append(Todo(f"dossier{_s(n)} renvoyé{_s(n)} à compléter", n, url))
    return items


def inbox(user) -> QuerySet:
    """The files of the person's scope, « à traiter » first (soonest deadline first), then the others by campaign
    (newest first) and territory. Each file carries `awaited_deadline` (the opinion awaited from the person's
    organisation, if any), `has_late_opinion` and `is_todo`."""
    awaited = OpinionRequest.objects.awaited_from(user).filter(file=OuterRef("pk")).order_by("deadline")
    late = OpinionRequest.objects.late().filter(file=OuterRef("pk"))
    todo = Q(awaited_deadline__isnull=False)
    files_todo = files_todo_q(user)
    if files_todo is not None:
        todo |= files_todo
    return (
        TerritoryFile.objects.visible_to(user)
        .select_related("campaign", "territory__phase")
        .defer(*SNAPSHOTS)
        .annotate(
            awaited_deadline=Subquery(awaited.values("deadline")[:1]),
            has_late_opinion=Exists(late),
        )
        .annotate(is_todo=Case(When(todo, then=Value(1)), default=Value(0), output_field=IntegerField()))
        # Named, not an expression in order_by: PostgreSQL refuses the positional reference Django writes for it.
        .annotate(
            no_deadline=Case(
                When(awaited_deadline__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by(
            "-is_todo",
            "no_deadline",
            "awaited_deadline",
            "-campaign__opened_at",
            "territory__code",
        )
    )


class InboxFilterForm(DsfrForm):
    """The inbox's filters, read from the query string; an invalid one is left out and shown next to its field."""

    campaign = forms.TypedChoiceField(label="Campagne", required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *FileState.choices])
    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    late = forms.BooleanField(label="Avec un avis en retard", required=False)
    todo = forms.BooleanField(label="À traiter seulement", required=False)

    def __init__(self, data, *, campaigns, regions: dict[str, str], departements: dict[str, str]):
        super().__init__(data)
        self.fields["campaign"].choices = [("", "Toutes"), *((c.pk, c.name) for c in campaigns)]
        self.fields["region"].choices = [("", "Toutes"), *sorted(regions.items(), key=lambda item: item[1])]
        self.fields["departement"].choices = [
            ("", "Tous"),
            *((code, f"{name} ({code})") for code, name in sorted(departements.items())),
        ]

    def filter(self, files: QuerySet) -> QuerySet:
        self.is_valid()
        data = self.cleaned_data
        if data.get("campaign"):
            files = files.filter(campaign_id=data["campaign"])
        if data.get("state"):
            files = files.filter(state=data["state"])
        if data.get("region"):
            files = files.filter(territory__region_code=data["region"])
        if data.get("departement"):
            files = files.filter(territory__in=Territory.objects.touching(departements=[data["departement"]]))
        if data.get("late"):
            files = files.filter(has_late_opinion=True)
        if data.get("todo"):
            files = files.filter(is_todo=1)
        return files
