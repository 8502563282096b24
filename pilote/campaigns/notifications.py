"""Who is told what about a file, by e-mail (through `pilote.core.notifications`, sent after commit by a task):
every transition, an opinion asked, given or given more time, a message, a deadline near. Each function is called
where the change happens, inside its transaction; the person who made the change is not told of it.

The people concerned are read by the functions of the first section: `opinion_recipients` is the one answer to « who
answers this opinion request » (the reminders use it too)."""

from django.db.models import Q, QuerySet
from django.urls import reverse

from pilote.core.enums import Role
from pilote.core.models import User
from pilote.core.notifications import notify

from .enums import FileState

# --- who --------------------------------------------------------------------------------------------------------


def _people(q: Q) -> QuerySet:
    return User.objects.filter(q, is_active=True).distinct()


def team_of(territory) -> QuerySet:
    return _people(
        Q(roles__role=Role.TERRITORY_TEAM, roles__phase_slug=territory.phase.slug, roles__territory_code=territory.code)
    )


def instructors() -> QuerySet:
    """ANCT, which instructs every file."""
    return _people(Q(roles__role=Role.NATIONAL))


def _addressed(request) -> Q:
    return Q(organisation_id=request.organisation_id)


def opinion_recipients(request) -> QuerySet:
    """The people who answer an opinion request: the members of the organisation asked."""
    return _people(_addressed(request))


def file_participants(file) -> QuerySet:
    """Who follows a file's messages: its team, ANCT, and the addressees of its opinion requests."""
    team = file.territory
    q = Q(roles__role=Role.TERRITORY_TEAM, roles__phase_slug=team.phase.slug, roles__territory_code=team.code)
    q |= Q(roles__role=Role.NATIONAL)
    for request in file.opinion_requests.all():
        q |= _addressed(request)
    return _people(q)


def _but(people: QuerySet, by) -> QuerySet:
    return people.exclude(pk=by.pk) if by is not None and by.pk else people


def _file_url(file) -> str:
    return reverse("campaigns:file", args=[file.pk])


def _named(file) -> str:
    return f"{file.territory.name} ({file.territory.code})"


# --- what -------------------------------------------------------------------------------------------------------

TRANSITION_SUBJECTS = {
    FileState.SUBMITTED: "Dossier déposé",
    FileState.IN_REVIEW: "Instruction commencée",
    FileState.TO_COMPLETE: "Dossier à compléter",
    FileState.VALIDATED: "Dossier validé",
}


def transition_made(file, *, by, target: str, comment: str) -> None:
    """A file changed state: ANCT learns of a submission, the team of everything; at validation, those who gave
    an opinion learn of the outcome too."""
    people = team_of(file.territory)
    if target == FileState.SUBMITTED:
        people = people | instructors()
    if target == FileState.VALIDATED:
        for request in file.opinion_requests.all():
            people = people | opinion_recipients(request)
    notify(
        _but(people, by),
        kind=f"campaign_file.{target}",
        subject=f"{TRANSITION_SUBJECTS.get(target, 'Dossier')} : {_named(file)}",
        template="campaigns/emails/transition.txt",
        context={"file": file, "by": by, "state": FileState(target).label, "target": target, "comment": comment},
        url=_file_url(file),
    )


def submission_reopened(file, *, by) -> None:
    notify(
        _but(team_of(file.territory), by),
        kind="campaign_file.reopen",
        subject=f"Dépôt rouvert : {_named(file)}",
        template="campaigns/emails/reopened.txt",
        context={"file": file, "by": by},
        url=_file_url(file),
    )


def opinion_asked(requests, *, by) -> None:
    for request in requests:
        notify(
            _but(opinion_recipients(request), by),
            kind="opinion.ask",
            subject=f"Avis demandé : {_named(request.file)}",
            template="campaigns/emails/opinion_asked.txt",
            context={"request": request, "file": request.file},
            url=_file_url(request.file),
        )


def opinion_given(opinion, *, by) -> None:
    file = opinion.request.file
    notify(
        _but(instructors() | team_of(file.territory), by),
        kind="opinion.give",
        subject=f"Avis {opinion.get_kind_display().lower()} rendu : {_named(file)}",
        template="campaigns/emails/opinion_given.txt",
        context={"opinion": opinion, "request": opinion.request, "file": file},
        url=_file_url(file),
    )


def opinion_extended(request, *, by) -> None:
    notify(
        _but(opinion_recipients(request), by),
        kind="opinion.extend",
        subject=f"Délai de l'avis prolongé : {_named(request.file)}",
        template="campaigns/emails/opinion_extended.txt",
        context={"request": request, "file": request.file},
        url=_file_url(request.file),
    )


def opinion_reminded(request, *, late: bool) -> None:
    notify(
        opinion_recipients(request),
        kind="opinion.remind",
        subject=f"{'Avis en retard' if late else 'Avis attendu'} : {_named(request.file)}",
        template="campaigns/emails/opinion_reminder.txt",
        context={"request": request, "file": request.file, "late": late},
        url=_file_url(request.file),
    )


def submission_reminded(file) -> None:
    notify(
        team_of(file.territory),
        kind="campaign_file.remind",
        subject=f"Dépôt attendu : {_named(file)}",
        template="campaigns/emails/submission_reminder.txt",
        context={"file": file, "deadline": file.deadline()},
        url=_file_url(file),
    )


def message_posted(message) -> None:
    file = message.file
    notify(
        _but(file_participants(file), message.author),
        kind="message.post",
        subject=f"Nouveau message : {_named(file)}",
        template="campaigns/emails/message.txt",
        context={"message": message, "file": file},
        url=_file_url(file) + "#messages",
    )
