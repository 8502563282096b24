"""Following the money: the dashboard's tables (by action type, région, territory and year), the commitments of the
exports, and the money a territory received (its public page and the API).

A fixed number of queries whatever the data: every sum is a SQL GROUP BY; Python only rolls up the envelopes (a few
hundred a year) and the groups the database returns, never the commitments one by one.

What the columns mean:
- allocated: the AE of the highest envelopes of a group in the user's scope and filters (an action type: its
  national envelope; a région: its région envelopes; a year: its action types' national envelopes), less what those
  envelopes delegated to another group (the national row of the table by région keeps what was not delegated). So
  `remaining = allocated − committed` is what the group can still commit.
- committed / proposed: the AE of commitments committed / proposed (cancelled ones count nowhere);
- paid: the payments on those commitments, whatever the year they were made;
- CP: the payment appropriations of the same envelopes, and the payments drawn on them (made in their year);
- leverage: partners' euros (co-financing lines other than "etat") per State euro (commitment + "etat" lines).
A commitment's région is the one of the envelope it draws on (`Commitment.region_code`, `CommitmentFilter`):
commitments on a national envelope are in the national row, so that every row's allocated, committed and remaining
amounts add up. The money is grouped once by envelope in SQL, then rolled up by action type, région and year.
"""

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from pilote.core.forms import DsfrForm
from pilote.territories.models import Territory

from .enums import ActionType, CofinancerKind, CommitmentStatus, EnvelopeLevel
from .models import Commitment, Envelope
from .money import euros, ratio

ZERO = Decimal("0.00")
DEMO = Q(is_demo=True)
NATIONAL_ROW = "Crédits nationaux non délégués"


# --- filters --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFilter:
    """The one filter of commitments, read from the same parameter names by the commitments list, the dashboard, the
    exports and the API. `region` is a commitment's région as the platform means it: the région of the envelope it
    draws on (its départements' included), kept on the commitment as `region_code`; a commitment on a national
    envelope belongs to no région, so that a région's allocated, committed and remaining amounts always add up.
    `status`, `territory` (name or code, as typed) and `siren` (its first digits) are the list's."""

    year: int | None = None
    action_type: str = ""
    region: str = ""
    status: str = ""
    territory: str = ""
    siren: str = ""

    def commitments(self, commitments: QuerySet) -> QuerySet:
        exact = {"year": self.year, "action_type": self.action_type, "region_code": self.region, "status": self.status}
        commitments = commitments.filter(**{name: value for name, value in exact.items() if value})
        if self.territory:
            commitments = commitments.filter(territory__in=Territory.objects.search(self.territory.strip()))
        if siren := "".join(self.siren.split()):
            commitments = commitments.filter(beneficiary_siren__startswith=siren)
        return commitments

    def envelopes(self, envelopes: QuerySet) -> QuerySet:
        """Envelopes below the programme, of the year, action type and région (its départements' included) asked."""
        exact = {"year": self.year, "action_type": self.action_type, "region_code": self.region}
        envelopes = envelopes.exclude(level=EnvelopeLevel.PROGRAMME)
        return envelopes.filter(**{name: value for name, value in exact.items() if value})

    def query(self) -> str:
        """The filter as a query string (exports keep the dashboard's filter)."""
        return "&".join(f"{name}={value}" for name, value in asdict(self).items() if value)


class CommitmentFilterForm(DsfrForm):
    """`CommitmentFilter` read from a query string; `fields`: the ones a page offers (the dashboard: year, action
    type, région). An invalid field is left out of the filter and shown next to its field."""

    year = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)
    action_type = forms.ChoiceField(label="Type d'action", required=False, choices=[("", "Tous"), *ActionType.choices])
    region = forms.ChoiceField(label="Région", required=False)
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *CommitmentStatus.choices])
    territory = forms.CharField(label="Territoire (nom ou code)", required=False, max_length=100)
    siren = forms.CharField(label="SIREN du bénéficiaire", required=False, max_length=11)

    def __init__(self, data, *, regions: dict[str, str], fields: tuple[str, ...] | None = None):
        super().__init__(data)
        for name in set(self.fields) - set(fields or self.fields):
            del self.fields[name]
        years = Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME).values_list("year", flat=True)
        self.fields["year"].choices = [("", "Toutes"), *((y, str(y)) for y in years.order_by("-year"))]
        self.fields["region"].choices = [("", "Toutes"), *sorted(regions.items(), key=lambda item: item[1])]

    def filter(self) -> CommitmentFilter:
        self.is_valid()
        data = self.cleaned_data
        return CommitmentFilter(**{name: data[name] for name in data if data[name] not in (None, "")})


DASHBOARD_FILTERS = ("year", "action_type", "region")


def envelopes_of(user, filters: CommitmentFilter) -> QuerySet:
    return filters.envelopes(Envelope.objects.visible_to(user))


def commitments_of(user, filters: CommitmentFilter) -> QuerySet:
    """The commitments (every status) in the user's scope and the filters."""
    return filters.commitments(Commitment.objects.visible_to(user))


# --- tables ---------------------------------------------------------------------------------------------------------


@dataclass
class MoneyRow:
    key: object
    label: str
    url: str = ""
    allocated: Decimal | None = None
    cp_allocated: Decimal | None = None
    cp_paid: Decimal | None = None
    proposed: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    state: Decimal = ZERO  # State euros: the commitments' amounts and the "etat" co-financing lines
    partners: Decimal = ZERO
    count: int = 0
    demo: int = 0  # commitments of demonstration data

    @property
    def remaining(self) -> Decimal | None:
        return None if self.allocated is None else self.allocated - self.committed

    @property
    def leverage(self) -> Decimal | None:
        return ratio(self.partners, self.state)

    def add(self, other: "MoneyRow") -> None:
        for name in ("allocated", "cp_allocated", "cp_paid"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if theirs is not None:
                setattr(self, name, (mine or ZERO) + theirs)
        for name in ("proposed", "committed", "paid", "state", "partners", "count", "demo"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def cells(self, *, with_envelopes: bool) -> list[str]:
        """The row's figures as the table shows them (formatted here: a template filter per cell of 200 rows is
        most of the page's time). A territory's row has no envelope nor co-financing: its commitments' count."""
        if not with_envelopes:
            return [*(euros(v) for v in (self.proposed, self.committed, self.paid)), str(self.count)]
        figures = [self.allocated, self.proposed, self.committed, self.paid, self.remaining, self.cp_allocated]
        leverage = self.leverage
        return [
            *(euros(value) for value in (*figures, self.cp_paid, self.partners)),
            "—" if leverage is None else f"{leverage}".replace(".", ",") + " € / € de l'État",
        ]


@dataclass
class Table:
    slug: str
    title: str
    heading: str  # the first column's header
    rows: list[MoneyRow]
    has_envelopes: bool = True  # a territory has no envelope: no allocated nor CP columns
    total: MoneyRow = field(init=False)

    def __post_init__(self):
        self.total = MoneyRow("total", "Total")
        for row in self.rows:
            self.total.add(row)

    def lines(self) -> list[tuple[MoneyRow, list[str]]]:
        """Each row with its formatted cells, for the template."""
        return [(row, row.cells(with_envelopes=self.has_envelopes)) for row in self.rows]

    def total_cells(self) -> list[str]:
        return self.total.cells(with_envelopes=self.has_envelopes)


def money_by(commitments: QuerySet, *fields: str) -> dict[object, MoneyRow]:
    """Proposed, committed, paid and co-financing amounts of `commitments` grouped by `fields` (a tuple key when
    several), cancelled commitments left out. One query on the commitments' own columns (their co-financing sums are
    kept on them), so SQL neither joins nor sorts joined rows."""
    key = (lambda r: r[fields[0]]) if len(fields) == 1 else (lambda r: tuple(r[f] for f in fields))
    rows: dict[object, MoneyRow] = {}
    sums = (
        commitments.exclude(status=CommitmentStatus.CANCELLED)
        .values(*fields, "status")
        .annotate(
            amount=Sum("amount"),
            paid=Sum("paid_amount"),
            state=Sum("cofinancing_state"),
            partners=Sum("cofinancing_partners"),
            count=Count("pk"),
            demo=Count("pk", filter=DEMO),
        )
        .order_by()  # the model's ordering would join the GROUP BY
    )
    for group in sums:
        row = rows.setdefault(key(group), MoneyRow(key(group), ""))
        row.demo += group["demo"]
        if group["status"] == CommitmentStatus.COMMITTED:
            row.committed, row.paid, row.count = group["amount"], group["paid"], group["count"]
            row.state += group["amount"] + group["state"]
            row.partners += group["partners"]
        else:
            row.proposed = group["amount"]
    return rows


def _envelope_rows(envelopes: QuerySet) -> dict[int, dict]:
    """Each envelope's place, amounts and the CP paid on it, by id (one query, a few hundred rows a year). The CP paid
    on an envelope are what it used less what it delegated: its children are always in the same scope and filters."""
    rows = envelopes.values(
        "id", "parent_id", "year", "action_type", "region_code", "ae_amount", "cp_amount", "cp_used"
    ).order_by()
    by_id = {row["id"]: row | {"cp_paid": row["cp_used"]} for row in rows}
    for row in by_id.values():
        parent = by_id.get(row["parent_id"])
        if parent is not None:
            parent["cp_paid"] -= row["cp_amount"]
    return by_id


def _allocations(envelopes: dict[int, dict], key: str) -> dict[object, MoneyRow]:
    """Allocated AE and CP by group: each envelope whose parent is not in the same group adds its amounts to its
    group and takes them from its parent's (a région envelope leaves the national row)."""
    rows: dict[object, MoneyRow] = {}

    def row(group) -> MoneyRow:
        return rows.setdefault(group, MoneyRow(group, "", allocated=ZERO, cp_allocated=ZERO, cp_paid=ZERO))

    for envelope in envelopes.values():
        mine = row(envelope[key])
        mine.cp_paid += envelope["cp_paid"] or ZERO
        parent = envelopes.get(envelope["parent_id"])
        if parent is not None and parent[key] == envelope[key]:
            continue
        mine.allocated += envelope["ae_amount"]
        mine.cp_allocated += envelope["cp_amount"]
        if parent is not None:
            row(parent[key]).allocated -= envelope["ae_amount"]
            row(parent[key]).cp_allocated -= envelope["cp_amount"]
    return rows


def _rolled_up(by_envelope: dict[int, MoneyRow], envelopes: dict[int, dict], key: str) -> dict[object, MoneyRow]:
    """The groups of envelopes sharing `key` (year, action type, région): their allocations and their money."""
    rows = _allocations(envelopes, key)
    for envelope_id, money in by_envelope.items():
        group = envelopes[envelope_id][key]
        rows.setdefault(group, MoneyRow(group, "")).add(money)
    return rows


def _action_type_table(by_envelope, envelopes) -> Table:
    rows = _rolled_up(by_envelope, envelopes, "action_type")
    for key, row in rows.items():
        row.label = ActionType(key).label
    order = {value: i for i, value in enumerate(ActionType.values)}
    return Table("types", "Par type d'action", "Type d'action", sorted(rows.values(), key=lambda r: order[r.key]))


def _region_table(by_envelope, envelopes, names: dict[str, str]) -> Table:
    rows = _rolled_up(by_envelope, envelopes, "region_code")
    for key, row in rows.items():
        row.label = names.get(key, key) if key else NATIONAL_ROW
    ordered = sorted(rows.values(), key=lambda r: (not r.key, r.label))
    return Table("regions", "Par région", "Région", ordered)


def _year_table(by_envelope, envelopes) -> Table:
    rows = _rolled_up(by_envelope, envelopes, "year")
    for key, row in rows.items():
        row.label = str(key)
    return Table("annees", "Par année", "Année", sorted(rows.values(), key=lambda r: r.key))


def _territory_table(commitments) -> Table:
    rows = money_by(commitments, "territory_id")
    territories = Territory.objects.filter(pk__in=list(rows)).values_list("pk", "code", "name", "phase__slug")
    urls = {}  # one reverse() a phase, not one a territory
    for pk, code, name, phase in territories:
        urls.setdefault(phase, reverse("territories:detail", args=[phase, "__code__"]))
        rows[pk].label = f"{name} ({code})"
        rows[pk].url = urls[phase].replace("__code__", code)
    ordered = sorted(rows.values(), key=lambda r: r.label)
    return Table("territoires", "Par territoire", "Territoire", ordered, has_envelopes=False)


def dashboard_tables(user, filters: CommitmentFilter, *, regions: dict[str, str]) -> list[Table]:
    """The four tables of the dashboard (and of the XLSX export), in a fixed number of queries."""
    commitments = commitments_of(user, filters)
    envelopes = _envelope_rows(envelopes_of(user, filters))
    # Every commitment draws on an envelope of the same scope and filters: group the money by envelope once.
    by_envelope = money_by(commitments, "envelope_id")
    return [
        _action_type_table(by_envelope, envelopes),
        _region_table(by_envelope, envelopes, regions),
        _territory_table(commitments),
        _year_table(by_envelope, envelopes),
    ]


def chart(table: Table) -> dict:
    """The `<bar-chart>` attributes (JSON) of a table: allocated, committed and paid per row, in whole euros."""

    def whole(values):
        return [int((v or ZERO).quantize(Decimal("1"))) for v in values]

    rows = table.rows
    series = {
        "Alloué (AE)": [r.allocated for r in rows],
        "Engagé": [r.committed for r in rows],
        "Payé": [r.paid for r in rows],
    }
    return {
        "has_data": bool(rows),
        "x": json.dumps([[r.label for r in rows]], ensure_ascii=False),
        "y": json.dumps([whole(values) for values in series.values()]),
        "name": json.dumps(list(series), ensure_ascii=False),
    }


def dashboard(user, filters: CommitmentFilter, *, regions: dict[str, str]) -> dict:
    tables = dashboard_tables(user, filters, regions=regions)
    return {
        "tables": tables,
        "charts": {"types": chart(tables[0]), "annees": chart(tables[3])},
        "has_demo": tables[3].total.demo > 0,
    }


# --- exports --------------------------------------------------------------------------------------------------------

EXPORT_HEADER = [
    "phase",
    "code territoire",
    "territoire",
    "code région",
    "région",
    "département (enveloppe)",
    "année",
    "type d'action",
    "niveau de l'enveloppe",
    "objet",
    "bénéficiaire",
    "SIREN",
    "montant engagé (AE, €)",
    "payé (€)",
    "reste à payer (€)",
    *(f"cofinancement {label} (€)" for label in CofinancerKind.labels),
    "statut",
    "date de décision",
    "démonstration",
]
# Columns holding euros (1-based, for the XLSX number format).
MONEY_COLUMNS = range(13, 16 + len(CofinancerKind.values))


def export_commitments(user, filters: CommitmentFilter) -> QuerySet:
    """The commitments of the exports with their co-financing by kind, in one query."""
    kinds = {
        f"cofinancing_{kind}": Sum("cofinancing__amount", filter=Q(cofinancing__kind=kind))
        for kind in CofinancerKind.values
    }
    return (
        commitments_of(user, filters)
        .select_related("territory__phase", "envelope")
        .annotate(**kinds)
        .order_by("year", "territory__phase__slug", "territory__code", "decided_on", "pk")
    )


def export_rows(user, filters: CommitmentFilter, regions: dict[str, str]) -> list[list]:
    rows = []
    for c in export_commitments(user, filters):
        rows.append(
            [
                c.territory.phase.slug,
                c.territory.code,
                c.territory.name,
                c.region_code,
                regions.get(c.region_code, ""),
                c.envelope.departement_code,
                c.year,
                c.get_action_type_display(),
                c.envelope.get_level_display(),
                c.label,
                c.beneficiary_name,
                c.beneficiary_siren,
                c.amount,
                c.paid_amount,
                c.remaining_to_pay,
                *((getattr(c, f"cofinancing_{kind}") or ZERO).quantize(ZERO) for kind in CofinancerKind.values),
                c.get_status_display(),
                c.decided_on,
                "oui" if c.is_demo else "non",
            ]
        )
    return rows


# Sheet columns of a dashboard table: header → MoneyRow attribute (the territories' table has the first four).
TABLE_COLUMNS = {
    "proposé (€)": "proposed",
    "engagé (€)": "committed",
    "payé (€)": "paid",
    "nombre d'engagements": "count",
    "alloué (AE, €)": "allocated",
    "reste à engager (€)": "remaining",
    "CP ouverts (€)": "cp_allocated",
    "CP payés (€)": "cp_paid",
    "cofinancement des partenaires (€)": "partners",
    "euros de l'État (€)": "state",
    "effet levier (€ de partenaires par € de l'État)": "leverage",
}


def table_rows(table: Table) -> list[list]:
    """A dashboard table as rows of a sheet (header first, total last)."""
    columns = list(TABLE_COLUMNS.items())[: None if table.has_envelopes else 4]
    rows = [[table.heading, *(header for header, _ in columns)]]
    for row in [*table.rows, table.total]:
        rows.append([row.label, *(getattr(row, name) for _, name in columns)])
    return rows


# --- a territory's money (its public page and the API) --------------------------------------------------------------


@dataclass
class TerritoryMoney:
    rows: list[MoneyRow]  # one per (year, action type), committed commitments only
    total: MoneyRow
    has_demo: bool


def territory_money(territory) -> TerritoryMoney:
    """What the territory received, by year and action type: committed commitments only (two queries)."""
    rows = money_by(Commitment.objects.committed().filter(territory=territory), "year", "action_type")
    for (_, action_type), row in rows.items():
        row.label = ActionType(action_type).label
    order = {value: i for i, value in enumerate(ActionType.values)}
    ordered = sorted(rows.values(), key=lambda r: (r.key[0], order[r.key[1]]))
    total = MoneyRow("total", "Total")
    for row in ordered:
        total.add(row)
    return TerritoryMoney(ordered, total, total.demo > 0)


def territory_money_section(territory) -> dict:
    """« Financements du programme » on the territory's public page (declared in BudgetConfig.page_sections)."""
    return {"template": "budget/_territory_money.html", "money": territory_money(territory)}


def territory_sheet_money_section(territory) -> dict:
    """The same money on the territory's « Fiche territoire » PDF (declared in BudgetConfig.sheet_sections)."""
    return {"template": "budget/_sheet_money.html", "money": territory_money(territory)}
