"""What the sites leave for a person to do (« À traiter », registry `inbox_counts`, and the page
`/sites/labellisation/a-traiter/`): the opinions on sites in review awaited from the person's organisation (a
préfecture, a région, Banque des Territoires); for ANCT the proposed sites to shortlist; for those who decide the
label (ANCT, Banque des Territoires) the reviews whose opinions are all in. The counts are one query over the sites
in those two states (the `label_state` index), none for someone with nothing to do here; the page lists the same
rows through the same rules."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import Todo

from . import perms
from .enums import LabelState
from .models import LabelOpinionRequest, Site

WAITING = (LabelState.PROPOSED, LabelState.IN_REVIEW)


def _awaited_q(user, prefix: str = "") -> Q:
    """Opinions of a site in review that the person's organisation has not given yet (`prefix`: seen from Site)."""
    return Q(
        **{
            f"{prefix}organisation_id": user.organisation_id,
            f"{prefix}kind": "",
            f"{'' if prefix else 'site__'}label_state": LabelState.IN_REVIEW,
        }
    )


def _complete_q() -> Q:
    """A site in review whose every opinion is given: ANCT and Banque des Territoires may decide."""
    awaited = LabelOpinionRequest.objects.filter(site=OuterRef("pk"), kind="")
    return Q(label_state=LabelState.IN_REVIEW) & ~Q(Exists(awaited))


def awaited_opinions(user) -> QuerySet:
    if not (user.is_authenticated and user.organisation_id):
        return LabelOpinionRequest.objects.none()
    return (
        LabelOpinionRequest.objects.filter(_awaited_q(user)).select_related("site").order_by("deadline", "site__name")
    )


def to_shortlist(user) -> QuerySet:
    if not perms.can_steer_labelling(user):
        return Site.objects.none()
    return Site.objects.filter(label_state=LabelState.PROPOSED).order_by("created_at", "identifier")


def to_decide(user) -> QuerySet:
    if not perms.can_decide_labelling(user):
        return Site.objects.none()
    return Site.objects.filter(_complete_q()).order_by("identifier")


def todo_counts(user) -> dict[str, int]:
    """{"opinions", "late", "to_shortlist", "to_decide"}, only the keys that concern the person; one query."""
    if not user.is_authenticated:
        return {}
    counts = {}
    if user.organisation_id:
        awaited = _awaited_q(user, "opinion_requests__")
        late = awaited & Q(opinion_requests__deadline__lt=timezone.localdate())
        counts["opinions"] = Count("opinion_requests", distinct=True, filter=awaited)
        counts["late"] = Count("opinion_requests", distinct=True, filter=late)
    if perms.can_steer_labelling(user):
        counts["to_shortlist"] = Count("pk", distinct=True, filter=Q(label_state=LabelState.PROPOSED))
    if perms.can_decide_labelling(user):
        counts["to_decide"] = Count("pk", distinct=True, filter=_complete_q())
    return Site.objects.filter(label_state__in=WAITING).aggregate(**counts) if counts else {}


def _s(count: int) -> str:
    return "s" if count > 1 else ""


def todo_items(user) -> list[Todo]:
    """The registry's `inbox_counts` of the sites: « 2 avis attendus sur des sites », with a link to the list."""
    counts = todo_counts(user)
    url = reverse("sites:todo")
    items = []
    if "opinions" in counts:
        n, late = counts["opinions"], counts["late"]
        label = f"avis attendu{_s(n)} sur des sites" + (f", dont {late} en retard" if late else "")
        items.append(Todo(label, n, f"{url}#avis"))
    if "to_shortlist" in counts:
        n = counts["to_shortlist"]
        items.append(Todo(f"site{_s(n)} proposé{_s(n)}, à présélectionner ou refuser", n, f"{url}#proposes"))
    if "to_decide" in counts:
        n = counts["to_decide"]
        items.append(Todo(f"site{_s(n)} dont tous les avis sont rendus, à décider", n, f"{url}#a-decider"))
    return items
