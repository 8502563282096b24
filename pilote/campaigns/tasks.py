"""The daily deadline reminders as a background task that schedules its own next run: nobody has to remember a
command or a cron line. `schedule_reminders()` (run by `make run`, and by `manage.py send_opinion_reminders
--schedule` after a deploy) enqueues the first run unless one is already waiting; each run enqueues the next one for
the following morning (settings.REMINDERS_HOUR, local time). A backend that cannot defer a task (the immediate one of
the tests) schedules nothing."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from .reminders import send_reminders


@task()
def send_due_reminders() -> int:
    """Send today's reminders, then schedule tomorrow's run."""
    sent = send_reminders(today=timezone.localdate())
    schedule_reminders()  # this run is RUNNING, no longer waiting: the next one is enqueued
    return len(sent)


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next REMINDERS_HOUR o'clock, local time, after `now`."""
    now = timezone.localtime(now)
    run = now.replace(hour=settings.REMINDERS_HOUR, minute=0, second=0, microsecond=0)
    return run if run > now else run + datetime.timedelta(days=1)


def schedule_reminders():
    """Enqueue the next run of the reminders unless one waits already (several servers may call this). Returns the
    task result, or None when nothing was enqueued."""
    if not send_due_reminders.get_backend().supports_defer or _waiting():
        return None
    return send_due_reminders.using(run_after=next_run()).enqueue()


def _waiting() -> bool:
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return False
    from django_tasks_db.models import DBTaskResult

    path = send_due_reminders.module_path
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=path).exists()
