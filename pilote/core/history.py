"""The audit trail in French: each app says how its actions and fields read (a `Vocabulary`), this turns audit
events into rows for the history tables (`components/_history.html`)."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Change:
    label: str
    before: str
    after: str


def field_labels(*models, **extra: str) -> dict[str, str]:
    """Field name → French label: `extra` first, then the models' verbose names."""
    labels = dict(extra)
    for model in models:
        for model_field in model._meta.fields:
            label = str(model_field.verbose_name)
            labels.setdefault(model_field.name, label[:1].upper() + label[1:])  # not capitalize(): "AE" stays
    return labels


@dataclass(frozen=True)
class Vocabulary:
    actions: dict[str, str]  # audit action → French label
    labels: dict[str, str]  # field name → French label
    choices: dict[str, dict] = field(default_factory=dict)  # field name → {value: label}
    # Special formatting of some fields' values (name → function of the value), e.g. amounts in euros.
    formats: dict[str, Callable[[object], str]] = field(default_factory=dict)

    def text(self, name: str, value) -> str:
        if value is None or value == "" or value == []:
            return "–"
        if name in self.formats:
            return self.formats[name](value)
        if isinstance(value, list):
            return " ; ".join(str(v) for v in value)
        return str(self.choices.get(name, {}).get(value, value))

    def changes_of(self, event) -> list[Change]:
        return [
            Change(self.labels.get(name, name), self.text(name, old), self.text(name, new))
            for name, (old, new) in event.changes.items()
        ]

    def history(self, events) -> list[tuple]:
        """(event, French action label, [Change]) for each audit event."""
        return [(event, self.actions.get(event.action, event.action), self.changes_of(event)) for event in events]
