"""The audit trail in French: each app says how its actions and fields read (a `Vocabulary`, declared in its
`AppConfig.history_vocabularies`), this turns audit events into rows for the history tables
(`components/_history.html`). `everything()` reads the events of every app at once (a territory's whole trail)."""

import ast
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from . import registry

# A bulk namer: the set of codes found in the events → {code: "Name (code)"}, one query for all the rows of a page.
Namer = Callable[[set[str]], dict[str, str]]


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
    # Fields holding codes (SIREN, INSEE…) named in bulk: field name → Namer.
    names: dict[str, Namer] = field(default_factory=dict)

    def text(self, name: str, value, named: dict | None = None) -> str:
        if value is None or value == "" or value == []:
            return "–"
        if name in self.names:
            found = (named or {}).get(self.names[name], {})
            value = [found.get(code, code) for code in codes(value)] or "–"
        elif name in self.formats:
            return self.formats[name](value)
        if isinstance(value, list):
            return " ; ".join(str(v) for v in value)
        return str(self.choices.get(name, {}).get(value, value))

    def changes_of(self, event, named: dict | None = None) -> list[Change]:
        return [
            Change(self.labels.get(name, name), self.text(name, old, named), self.text(name, new, named))
            for name, (old, new) in event.changes.items()
        ]

    def history(self, events) -> list[tuple]:
        """(event, French action label, [Change]) for each audit event."""
        return Vocabularies((self,)).history(events)


@dataclass(frozen=True)
class Vocabularies:
    """Several apps' vocabularies read as one: each event is read by the vocabulary that knows its action."""

    members: tuple[Vocabulary, ...]

    def of(self, action: str) -> Vocabulary:
        return next((v for v in self.members if action in v.actions), self.members[0])

    def history(self, events: Iterable) -> list[tuple]:
        pairs = [(self.of(event.action), event) for event in events]
        named = _named(pairs)
        return [
            (event, vocabulary.actions.get(event.action, event.action), vocabulary.changes_of(event, named))
            for vocabulary, event in pairs
        ]


def codes(value) -> list[str]:
    """The codes of an audited value: a list, one code, or a list the trail stored as its text ("['39001']")."""
    if isinstance(value, str) and value.startswith("["):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [value]
    return [str(code) for code in (value if isinstance(value, list | tuple) else [value]) if code not in (None, "")]


def _named(pairs) -> dict[Namer, dict[str, str]]:
    """Every code of every event resolved at once: one call per namer, whatever the number of rows."""
    wanted: dict[Namer, set[str]] = defaultdict(set)
    for vocabulary, event in pairs:
        for name, values in event.changes.items():
            if name in vocabulary.names:
                for value in values:
                    wanted[vocabulary.names[name]].update(codes(value))
    return {namer: namer(found) for namer, found in wanted.items() if found}


def everything() -> Vocabularies:
    """The vocabularies every app declares (`history_vocabularies`), for a trail that mixes them."""
    return Vocabularies(tuple(import_string(path) for path in registry.history_vocabularies()))
