"""Writing the audit trail: one helper, called where the change happens (never from a signal)."""

from django.db import models

from .models import AuditEvent


def field_changes(before: models.Model | None, after: models.Model, fields: list[str]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value differs (all of them when `before` is None)."""
    changes = {}
    for name in fields:
        old = getattr(before, name, None) if before is not None else None
        new = getattr(after, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(**fields) -> AuditEvent:
    """Writes one row of the audit trail; the keywords of `event`."""
    row = event(**fields)
    row.save()
    return row


def event(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: dict | None = None,
    phase_slug: str = "",
    territory_code: str = "",
) -> AuditEvent:
    """One row of the audit trail, unsaved: for a change of many objects at once (`AuditEvent.objects.bulk_create`)."""
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
        phase_slug=phase_slug,
        territory_code=territory_code,
    )
