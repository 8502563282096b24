"""The labelling workflow of a site with Banque des Territoires, on `Site.label_state` (django-fsm-2, like the files of
the campaigns): proposé → présélectionné → en instruction (opinions of the préfecture, the conseil régional and Banque
des Territoires, each with a deadline) → labellisé / ajourné / refusé. Each transition is guarded by role (the
`permission` of the transition) and by state, and writes its row of the audit trail itself. `LabellingWorkflow` is a
mixin of `Site` so that the workflow lives in one module."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm, transition

from pilote.core.audit import record
from pilote.core.enums import Operator, OrganisationKind
from pilote.core.models import Organisation

from . import perms
from .enums import LabelOpinionKind, LabelState

FIELD = "label_state"


class TransitionRefused(Exception):
    """A step this person may not take now; the message is shown to them (French). `forbidden`: never (403)."""

    def __init__(self, message: str, *, forbidden: bool = False):
        super().__init__(message)
        self.forbidden = forbidden


def _steers(site, user) -> bool:
    return perms.can_steer_labelling(user)


def _decides(site, user) -> bool:
    return perms.can_decide_labelling(user)


def bdt_organisation() -> Organisation:
    """The organisation of Banque des Territoires, created when missing."""
    found = Organisation.objects.filter(operator=Operator.BANQUE_DES_TERRITOIRES).order_by("pk").first()
    return found or Organisation.objects.create(
        kind=OrganisationKind.OPERATOR, operator=Operator.BANQUE_DES_TERRITOIRES, name="Banque des Territoires"
    )


def reviewers_of(site) -> list[Organisation]:
    """Whose opinion a site in review needs: its préfecture, its région, Banque des Territoires."""
    wanted = []
    if site.departement_code:
        wanted.append(Organisation.objects.serving(OrganisationKind.PREFECTURE_DEPARTEMENT, site.departement_code))
    if site.region_code:
        wanted.append(Organisation.objects.serving(OrganisationKind.CONSEIL_REGIONAL, site.region_code))
    return [*wanted, bdt_organisation()]


# The states from which a site can be shortlisted: by hand on its page, or with the chosen sites of an adopted
# selection (`selection.shortlist_chosen`).
SHORTLISTABLE = (LabelState.POOL, LabelState.PROPOSED, LabelState.POSTPONED)


class LabellingWorkflow:
    TRANSITIONS = {
        "shortlist": "Présélectionner le site",
        "open_review": "Ouvrir l'instruction (demander les avis)",
        "label": "Labelliser le site",
        "postpone": "Ajourner",
        "refuse": "Refuser",
    }

    @transition(
        field=FIELD,
        source=list(SHORTLISTABLE),
        target=LabelState.SHORTLISTED,
        permission=_steers,
    )
    def shortlist(self, *, by, comment="", deadline=None):
        self._label_history(by, LabelState.SHORTLISTED, comment)

    @transition(field=FIELD, source=LabelState.SHORTLISTED, target=LabelState.IN_REVIEW, permission=_steers)
    def open_review(self, *, by, comment="", deadline=None):
        if deadline is None or deadline <= timezone.localdate():
            raise TransitionRefused("Indiquez une date limite des avis postérieure à aujourd'hui.")
        from .models import LabelOpinionRequest

        for organisation in reviewers_of(self):
            request, created = LabelOpinionRequest.objects.get_or_create(
                site=self, organisation=organisation, defaults={"deadline": deadline, "asked_by": by}
            )
            if not created:  # a site postponed then reviewed again: the opinion is asked anew
                request.deadline, request.asked_by, request.kind, request.text = deadline, by, "", ""
                request.given_by = request.given_at = None
                request.save()
            record(
                actor=by, action="site.label_opinion.asked", obj=request, changes={"deadline": [None, str(deadline)]}
            )
        self._label_history(by, LabelState.IN_REVIEW, comment)

    @transition(field=FIELD, source=LabelState.IN_REVIEW, target=LabelState.LABELLED, permission=_decides)
    def label(self, *, by, comment="", deadline=None):
        bdt = self.opinion_requests.filter(organisation__operator=Operator.BANQUE_DES_TERRITOIRES).first()
        if bdt is None or bdt.kind not in (LabelOpinionKind.FAVORABLE, LabelOpinionKind.RESERVED):
            raise TransitionRefused(
                "Le label est décidé avec Banque des Territoires : son avis favorable est nécessaire pour labelliser."
            )
        self._label_history(by, LabelState.LABELLED, comment)

    @transition(field=FIELD, source=LabelState.IN_REVIEW, target=LabelState.POSTPONED, permission=_decides)
    def postpone(self, *, by, comment="", deadline=None):
        self._motivated(comment)
        self._label_history(by, LabelState.POSTPONED, comment)

    @transition(
        field=FIELD,
        source=[LabelState.PROPOSED, LabelState.SHORTLISTED, LabelState.IN_REVIEW, LabelState.POSTPONED],
        target=LabelState.REFUSED,
        permission=_decides,
    )
    def refuse(self, *, by, comment="", deadline=None):
        self._motivated(comment)
        self._label_history(by, LabelState.REFUSED, comment)

    @staticmethod
    def _motivated(comment: str) -> None:
        if not comment.strip():
            raise TransitionRefused("Motivez la décision : elle est transmise au territoire.")

    def run_label(self, name: str, *, by, comment: str = "", deadline: date | None = None) -> None:
        """Take step `name` for `by`, or raise TransitionRefused with the reason in French."""
        method = getattr(self, name) if name in self.TRANSITIONS else None
        if method is None:
            raise TransitionRefused("Action inconnue.")
        with transaction.atomic():
            locked = type(self).objects.select_for_update().filter(pk=self.pk).values_list(FIELD, flat=True)
            if locked.first() != self.label_state:
                raise TransitionRefused("Le site a changé entre-temps ; rechargez la page.")
            if not can_proceed(method, check_conditions=False):
                raise TransitionRefused(f"Action impossible : le site est « {self.get_label_state_display()} ».")
            if not has_transition_perm(method, by):
                raise TransitionRefused("Vous n'avez pas le droit de faire cette action sur ce site.", forbidden=True)
            method(by=by, comment=comment, deadline=deadline)
            self.save(update_fields=[FIELD, "updated_at"])

    def label_transitions(self, user) -> list[tuple[str, str]]:
        return [
            (name, label) for name, label in self.TRANSITIONS.items() if has_transition_perm(getattr(self, name), user)
        ]

    def _label_history(self, by, target: str, comment: str) -> None:
        changes = {"label_state": [self.label_state, target]}
        if comment:
            changes["comment"] = [None, comment]
        record(actor=by, action=f"site.label.{target}", obj=self, changes=changes)


def give_opinion(request, *, by, kind: str, text: str) -> None:
    """An organisation's opinion on a site in review (given once; ANCT asks again by reopening the review)."""
    if not perms.can_give_label_opinion(by, request):
        raise TransitionRefused("Cet avis est demandé à une autre organisation.", forbidden=True)
    if request.site.label_state != LabelState.IN_REVIEW:
        raise TransitionRefused("Le site n'est plus en instruction : l'avis ne peut plus être rendu.")
    if request.kind:
        raise TransitionRefused("Cet avis a déjà été rendu.")
    if kind in (LabelOpinionKind.RESERVED, LabelOpinionKind.UNFAVORABLE) and not text.strip():
        raise TransitionRefused("Motivez un avis réservé ou défavorable.")
    with transaction.atomic():
        request.kind, request.text, request.given_by, request.given_at = kind, text, by, timezone.now()
        request.save(update_fields=["kind", "text", "given_by", "given_at"])
        record(
            actor=by,
            action="site.label_opinion.given",
            obj=request,
            changes={"kind": [None, kind], "text": [None, text]},
        )
