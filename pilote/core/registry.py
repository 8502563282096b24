"""The one registry through which apps plug into the shell and into each other's pages.

Each app declares what it contributes as class attributes of its `AppConfig` (dotted paths, imported on first use so
that declaring imports nothing):

- `page_sections`: callables `(territory) -> {"template": …, **context}` shown on a territory's public page;
- `sheet_sections`: callables `(territory) -> {"template": …, **context}` printed on the territory's « Fiche
  territoire » PDF (public data only: never a person's contact details);
- `demo_seeds`: callables `(*, log) -> …`, idempotent, run by `seed_demo` after the demo accounts exist;
- `bench_sections`: `{letter: BenchSection subclass}` run by `manage.py bench` (`pilote.core.benchtools`);
- `menu_items`: `MenuItem`s of the main menu, each shown to the people its permission function lets in;
- `history_vocabularies`: dotted paths of `pilote.core.history.Vocabulary` objects, how the app's audit rows read.
- `project_lead_checks`: callables `(*, state_funding, epci_funding) -> str | None`, a refusal in French of a chef de
  projet's yearly funding (the budget's ceiling on the State's share), applied by the governance form of `plans`.
- `editing_locks`: callables `(territory) -> str | None`, why the team may not change the territory's plan,
  governance and perimeter proposals right now (in French), read by `plans.perms` (campaigns: a file under review).
- `inbox_counts`: callables `(user) -> list[Todo]`, what waits for the person (« À traiter »), shown on « Mon espace »
  and counted in the header; each a cheap query (campaigns: one), none for someone with nothing to do.
- `alert_actions`: callables `(alert, user) -> {"label": …, "url": …} | None`, what a person may do with a shock
  alert from the alerts page (budget: turn it into a Rebond industriel designation), read by `targeting`.

The kernel reads them in the order of INSTALLED_APPS and imports no app itself; the shell and the territories' page
read them here. See docs/adr/0007-kernel-shell-and-registry.md.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str  # "namespace:name"; the item is marked current on every page of that namespace
    visible_to: str  # dotted path of a permission function `(user) -> bool`

    @property
    def namespace(self) -> str:
        return self.url_name.partition(":")[0]

    def is_visible_to(self, user) -> bool:
        return bool(import_string(self.visible_to)(user))


@dataclass(frozen=True)
class Todo:
    """One line of « À traiter »: « 3 avis attendus de votre organisme », linking to the list of them."""

    label: str
    count: int
    url: str


def _declared(attribute: str) -> list:
    return [item for config in apps.get_app_configs() for item in getattr(config, attribute, ())]


def page_sections() -> list[Callable]:
    return [import_string(path) for path in _declared("page_sections")]


def sheet_sections() -> list[Callable]:
    return [import_string(path) for path in _declared("sheet_sections")]


def demo_seeds() -> list[Callable]:
    return [import_string(path) for path in _declared("demo_seeds")]


def bench_sections() -> dict[str, type]:
    """{letter: section class}, sorted by letter (the order the bench runs them)."""
    declared = {}
    for config in apps.get_app_configs():
        for key, path in getattr(config, "bench_sections", {}).items():
            if key in declared:
                raise ValueError(f"Bench section {key!r} declared twice ({config.name})")
            declared[key] = path
    return {key: import_string(declared[key]) for key in sorted(declared)}


def menu_items() -> list[MenuItem]:
    return _declared("menu_items")


def history_vocabularies() -> list[str]:
    """Dotted paths of the apps' `pilote.core.history.Vocabulary` objects (read by `history.everything()`)."""
    return _declared("history_vocabularies")


def project_lead_checks() -> list[Callable]:
    return [import_string(path) for path in _declared("project_lead_checks")]


def editing_locks() -> list[Callable]:
    return [import_string(path) for path in _declared("editing_locks")]


def inbox_counts() -> list[Callable]:
    return [import_string(path) for path in _declared("inbox_counts")]


def alert_actions() -> list[Callable]:
    return [import_string(path) for path in _declared("alert_actions")]
