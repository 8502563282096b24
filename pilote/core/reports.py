"""The French report of an import, the one shape every importer gives (console lines and the JSON kept with the
file): what was read, the importer's own counts, what was left out and why, and remarks."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Subclasses add their counts as fields and say them in `counts` (JSON) and `summary` (the first console line)."""

    read: int = 0
    left_out: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    left_out_word = "écarté(s)"  # how the console names what was left out

    def leave_out(self, reason: str, count: int = 1) -> None:
        self.left_out[reason] += count

    def counts(self) -> dict:
        return {}

    def summary(self) -> str:
        return f"{self.read} ligne(s) lue(s)"

    def as_dict(self) -> dict:
        return {"lus": self.read, **self.counts(), "écartés": dict(sorted(self.left_out.items())),
                "remarques": self.notes}  # fmt: skip

    def lines(self) -> list[str]:
        lines = [self.summary()]
        lines += [f"{self.left_out_word} : {count} — {reason}" for reason, count in sorted(self.left_out.items())]
        return lines + self.notes
