"""Reminders of deadlines near or past, at most one per request (or file) and per day: opinions awaited from their
addressees, files not yet submitted from their team. Run every morning by the background task of `tasks.py` (and by
hand with `manage.py send_opinion_reminders`); the e-mails go through `notifications` like every other one."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest

from . import notifications
from .enums import FileState
from .models import OpinionRequest, TerritoryFile


def due_requests(today: date, days: int):
    """Pending requests of files under review, due within `days` days or late, not reminded today."""
    return (
        OpinionRequest.objects.pending()
        .filter(file__state=FileState.IN_REVIEW, deadline__lte=today + timedelta(days=days))
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
        .select_related("file__territory__phase", "file__campaign", "organisation")
    )


def due_files(today: date, days: int):
    """Files still to submit (draft or returned) whose deadline is within `days` days, not reminded today."""
    submission = F("campaign__submission_deadline")
    deadline = Greatest(submission, Coalesce(F("reopened_until"), submission))  # TerritoryFile.deadline(), in SQL
    return (
        TerritoryFile.objects.filter(state__in=[FileState.DRAFT, FileState.TO_COMPLETE])
        .alias(limit=deadline)
        .filter(limit__range=(today, today + timedelta(days=days)))
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
        .select_related("territory__phase", "campaign")
    )


def send_reminders(*, today: date, days: int = 3, dry_run: bool = False) -> list[tuple[object, list[str]]]:
    """(request or file, e-mail addresses) of each reminder sent (or, with `dry_run`, that would be sent)."""
    sent = []
    for request in due_requests(today, days):
        sent += _remind(request, today, dry_run)
    for file in due_files(today, days):
        sent += _remind(file, today, dry_run)
    return sent


def _remind(target, today: date, dry_run: bool) -> list[tuple[object, list[str]]]:
    is_file = isinstance(target, TerritoryFile)
    people = notifications.team_of(target.territory) if is_file else notifications.opinion_recipients(target)
    emails = sorted({user.email for user in people if user.email})
    if not emails:
        return []
    if not dry_run:
        with transaction.atomic():
            if is_file:
                notifications.submission_reminded(target)
            else:
                notifications.opinion_reminded(target, late=target.deadline < today)
            type(target).objects.filter(pk=target.pk).update(last_reminded_on=today)
    return [(target, emails)]
