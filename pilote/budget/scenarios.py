"""Allocation scenarios: how a scenario splits its year's money between action types and régions, how scenarios
compare, and how one becomes envelopes.

Every split is proportional and rounded to the euro by the largest-remainder method, so that the cells of a line add
up exactly to the line and the lines (with what is left unallocated) exactly to the scenario's total, in AE and in CP.

Territories considered for a year: those active in it (`Territory.is_active_in`: phase covering it, in the programme
on its 1 January; ADR 0005), attached to their région by `Territory.region_code`. Populations are those of each
territory's current perimeter resolved on `settings.DEFAULT_EDITION` (`Resolution.objects.current`); a territory
without a resolution there weighs 0.

« Selon l'indice de fragilité » (ScenarioRule.PER_FRAGILITY_INDEX): each territory active in the year weighs
1 + (s − s_min) / (s_max − s_min), s being its score in the latest scoring of the scenario's method version
(`Scenario.fragility_method`) and s_min, s_max the lowest and highest scores of the territories active that year. So
every territory counts at least as much as under « part égale par territoire » and the most fragile counts twice as
much as the least fragile, linearly in between, whatever the scale of the scores (ranks or standardised scores give
the same weights up to that scale). A territory without a score in that scoring counts 1, like the least fragile, and
the scenario says how many there are. A région weighs the sum of its territories' weights.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pilote.core.audit import record
from pilote.core.versioning import check_revision
from pilote.targeting.enums import Level
from pilote.targeting.index import latest_scorings
from pilote.targeting.models import Score
from pilote.territories.figures import region_names
from pilote.territories.models import Resolution, Territory

from .enums import ActionType, EnvelopeLevel, ScenarioRule
from .models import Envelope, RuleBroken, Scenario, ScenarioLine, ShockDesignation
from .money import euros

RESERVE = ""  # the row of a line's national reserve (kept in the national envelope, not delegated)
MEASURES = ("ae", "cp")
MEASURE_LABELS = {"ae": "Autorisations d'engagement", "cp": "Crédits de paiement"}


def split(total: Decimal, weights: list) -> list[Decimal]:
    """`total` whole euros shared in proportion to `weights`, each share rounded to the euro by the largest-remainder
    method (ties: the first slot): the shares add up to `total` exactly. When every weight is zero the last slot (the
    remainder: reserve or unallocated) takes everything."""
    exact_weights = [Fraction(w) for w in weights]
    whole = sum(exact_weights)
    if whole == 0:
        return [Decimal(0)] * (len(weights) - 1) + [Decimal(total)]
    exact = [Fraction(total) * w / whole for w in exact_weights]
    shares = [e.numerator // e.denominator for e in exact]
    left = int(Fraction(total) - sum(shares))
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return [Decimal(s) for s in shares]


def whole_euros(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# --- the weights of the régions -------------------------------------------------------------------------------------


@dataclass
class Weights:
    """What each région weighs in a year, per rule (territories, population, designated territories, and the
    fragility index of each method version asked for: key (rule, version id))."""

    per_rule: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    unscored: dict[int, int] = field(default_factory=dict)  # method version id → active territories without a score

    def of(self, rule: str, method_version: int | None = None) -> dict[str, int]:
        if rule == ScenarioRule.PER_FRAGILITY_INDEX:
            return self.per_rule[rule, method_version]
        return self.per_rule[rule]

    @property
    def regions(self) -> set[str]:
        return set(self.per_rule[ScenarioRule.PER_TERRITORY])


def load_weights(years: set[int], method_versions: set[int] = frozenset()) -> dict[int, Weights]:
    """The régions' weights for each of `years` (and the fragility index of each of `method_versions`). Three
    queries, two more with method versions, whatever the number of years, versions and territories."""
    weights = {year: Weights() for year in years}
    if not years:
        return weights
    first, last = min(years), max(years)
    territories = list(
        Territory.objects.active_in(*years)
        .select_related("phase")
        .only("code", "region_code", "withdrawn_on", "phase__slug", "phase__starts_on_year", "phase__ends_on_year")
    )
    ids = [t.pk for t in territories]
    populations = _populations(ids)
    designated = _designations(ids, first, last)
    for territory in territories:
        for year in years:
            if territory.is_active_in(year):
                rules, region, pk = weights[year].per_rule, territory.region_code, territory.pk
                rules[ScenarioRule.PER_TERRITORY][region] += 1
                rules[ScenarioRule.PER_POPULATION][region] += populations.get(pk, 0)
                if any(_active_in(year, decided, ended) for decided, ended in designated.get(pk, ())):
                    rules[ScenarioRule.PER_FRAGILITY][region] += 1
    for version, scores in _index_scores(set(method_versions) - {None}).items():
        for year in years:
            _add_index_weights(weights[year], version, [t for t in territories if t.is_active_in(year)], scores)
    return weights


def _index_scores(method_versions: set[int]) -> dict[int, dict[tuple[str, str], float | None]]:
    """{version id: {(phase slug, territory code): score}} from the latest scoring of each method version (the one
    `targeting` publishes as current for it, `index.latest_scorings`). Two queries."""
    scores = {version: {} for version in method_versions}
    version_of = {pk: version for version, pk in latest_scorings(method_versions).items()}
    rows = Score.objects.filter(scoring_id__in=version_of, level=Level.TERRITORY)
    for scoring, phase_slug, code, score in rows.values_list("scoring_id", "phase_slug", "code", "score"):
        scores[version_of[scoring]][phase_slug, code] = score
    return scores


def fragility_weights(scores: list[float | None]) -> list[Fraction]:
    """1 + (s − min) / (max − min) for each score (exactly, as fractions); 1 for a missing score or when all are
    equal. See the module's docstring."""
    known = [Fraction(s) for s in scores if s is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    if high == low:
        return [Fraction(1)] * len(scores)
    return [Fraction(1) if s is None else 1 + (Fraction(s) - low) / (high - low) for s in scores]


def _add_index_weights(weights: Weights, version: int, active: list, scores: dict) -> None:
    of_territory = [scores.get((t.phase.slug, t.code)) for t in active]
    of_region = weights.per_rule[ScenarioRule.PER_FRAGILITY_INDEX, version]
    for territory, weight in zip(active, fragility_weights(of_territory), strict=True):
        of_region[territory.region_code] += weight
    weights.unscored[version] = sum(score is None for score in of_territory)


def _populations(territory_ids: list[int]) -> dict[int, int]:
    """Population of each territory's current perimeter resolved on the platform's edition."""
    rows = Resolution.objects.current().filter(version__territory_id__in=territory_ids)
    return dict(rows.values_list("version__territory_id", "population"))


def _designations(territory_ids: list[int], first: int, last: int) -> dict[int, list[tuple[date, date | None]]]:
    rows = ShockDesignation.objects.filter(territory_id__in=territory_ids, decided_on__lte=date(last, 12, 31)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=date(first, 1, 1))
    )
    designated = defaultdict(list)
    for pk, decided_on, ended_on in rows.values_list("territory_id", "decided_on", "ended_on"):
        designated[pk].append((decided_on, ended_on))
    return designated


def _active_in(year: int, decided_on: date, ended_on: date | None) -> bool:
    """A designation counts for a year when it is in force on at least one of its days."""
    return decided_on <= date(year, 12, 31) and (ended_on is None or ended_on >= date(year, 1, 1))


# --- one scenario's allocation --------------------------------------------------------------------------------------


@dataclass
class Allocation:
    """A scenario's split: euros per (région code or RESERVE, action type), in AE and in CP, each line's total and
    what stays unallocated (at the programme's level). Regions are those with a territory in the year or a fixed
    amount, ordered by name."""

    scenario: Scenario
    regions: list[str]
    names: dict[str, str]
    cells: dict[str, dict[tuple[str, str], Decimal]]  # measure → (région or RESERVE, action type) → euros
    lines: dict[str, dict[str, Decimal]]  # measure → action type → euros
    unallocated: dict[str, Decimal]  # measure → euros
    totals: dict[str, Decimal]  # measure → euros (the scenario's total, to the euro)
    notes: list[str]  # French remarks (a line whose régions weigh nothing stays in reserve)
    weights: Weights | None = None  # what the régions weighed

    action_types = ActionType.values

    def cell(self, region: str, action_type: str, measure: str = "ae") -> Decimal:
        return self.cells[measure].get((region, action_type), Decimal(0))

    def region_total(self, region: str, measure: str = "ae") -> Decimal:
        return sum((self.cell(region, a, measure) for a in self.action_types), Decimal(0))

    def table(self, measure: str = "ae") -> dict:
        """Rows for a template: one per région, the national reserve, the lines' totals, unallocated, total."""

        def row(label, region):
            values = [self.cell(region, a, measure) for a in self.action_types]
            return {"label": label, "code": region, "cells": values, "total": sum(values, Decimal(0))}

        return {
            "measure": measure,
            "caption": MEASURE_LABELS[measure],
            "headers": [ActionType(a).label for a in self.action_types],
            "regions": [row(self.names.get(code, code), code) for code in self.regions],
            "reserve": row("Réserve nationale (non déléguée)", RESERVE),
            "lines": [self.lines[measure][a] for a in self.action_types],
            "allocated": sum(self.lines[measure].values(), Decimal(0)),
            "unallocated": self.unallocated[measure],
            "total": self.totals[measure],
        }

    def chart(self, measure: str = "ae") -> dict:
        """A stacked bar chart: régions on x, one series per action type (JSON strings for <bar-chart>)."""
        return _chart(
            [self.names.get(code, code) for code in self.regions],
            [[self.cell(code, a, measure) for code in self.regions] for a in self.action_types],
            [ActionType(a).label for a in self.action_types],
        )


def _chart(x: list[str], series: list[list[Decimal]], names: list[str]) -> dict:
    return {
        "x": json.dumps([x], ensure_ascii=False),
        "y": json.dumps([[int(v) for v in values] for values in series]),
        "name": json.dumps(names, ensure_ascii=False),
    }


def check_shares(ae_total: Decimal, lines: list[tuple[ScenarioLine, Decimal]]) -> None:
    """Refuse (in French) shares beyond the total, and fixed amounts (their sum, with each line) beyond what a line
    delegates."""
    allocated = sum((line.ae_weight(ae_total) for line, _ in lines), Decimal(0))
    if allocated > ae_total:
        raise RuleBroken(
            f"Les parts des types d'action totalisent {euros(allocated)}, au-delà du total de "
            f"{euros(ae_total)} en autorisations d'engagement."
        )
    for line, fixed in lines:
        delegated = line.ae_weight(ae_total) * (100 - line.reserve_percent) / 100
        if line.rule == ScenarioRule.FIXED and fixed > delegated:
            raise RuleBroken(
                f"Les montants fixés pour « {line.get_action_type_display()} » totalisent {euros(fixed)}, au-delà "
                f"des {euros(delegated)} à répartir (part du type d'action moins la réserve nationale)."
            )


def allocation(scenario: Scenario, *, weights: Weights | None = None, names: dict | None = None) -> Allocation:
    """The scenario's matrix région × action type, in AE and CP, rounded to the euro with exact totals. Reads its
    lines through `scenario.lines.all()` (prefetch them with `Scenario.objects.with_lines()`)."""
    lines = sorted(scenario.lines.all(), key=lambda line: ActionType.values.index(line.action_type))
    check_shares(
        scenario.ae_total, [(line, sum((f.amount for f in line.fixed_amounts.all()), Decimal(0))) for line in lines]
    )
    version = scenario.fragility_method_id
    weights = weights if weights is not None else load_weights({scenario.year}, {version})[scenario.year]
    names = names if names is not None else region_names(settings.DEFAULT_EDITION)
    fixed_regions = {f.region_code for line in lines for f in line.fixed_amounts.all()}
    regions = sorted(weights.regions | fixed_regions, key=lambda code: (names.get(code, code), code))
    result = Allocation(scenario, regions, names, {}, {}, {}, {}, [], weights)
    line_weights = [line.ae_weight(scenario.ae_total) for line in lines]
    line_weights.append(scenario.ae_total - sum(line_weights, Decimal(0)))  # unallocated, last
    for measure in MEASURES:
        total = whole_euros(getattr(scenario, f"{measure}_total"))
        *amounts, unallocated = split(total, line_weights)
        result.totals[measure], result.unallocated[measure] = total, unallocated
        result.cells[measure], result.lines[measure] = {}, dict.fromkeys(ActionType.values, Decimal(0))
        for line, amount, line_weight in zip(lines, amounts, line_weights, strict=False):
            result.lines[measure][line.action_type] = amount
            notes = result.notes if measure == "ae" else []
            slot_weights = _slot_weights(line, line_weight, regions, weights, notes, version)
            for region, share in zip([*regions, RESERVE], split(amount, slot_weights), strict=True):
                result.cells[measure][region, line.action_type] = share
    return result


def _slot_weights(
    line: ScenarioLine, line_weight: Decimal, regions: list[str], weights: Weights, notes: list, version=None
):
    """Weights of the régions then of the national reserve (last) within one line (`version`: the scenario's method
    version of the fragility index)."""
    if line.rule == ScenarioRule.FIXED:
        fixed = {f.region_code: f.amount for f in line.fixed_amounts.all()}
        amounts = [fixed.get(code, Decimal(0)) for code in regions]
        return [*amounts, line_weight - sum(amounts, Decimal(0))]
    if line.rule == ScenarioRule.PER_FRAGILITY_INDEX and weights.unscored.get(version):
        notes.append(
            f"« {line.get_action_type_display()} » : {weights.unscored[version]} territoire(s) sans score dans la "
            "version de l'indice choisie, comptés comme les moins fragiles (poids 1)."
        )
    of_region = weights.of(line.rule, version)
    whole = sum(of_region.get(code, 0) for code in regions)
    reserve = Fraction(line.reserve_percent) / 100
    if whole == 0:
        if line_weight:
            notes.append(
                f"« {line.get_action_type_display()} » : aucune région ne compte pour la règle "
                f"« {line.get_rule_display()} » cette année ; sa part reste en réserve nationale."
            )
        return [0] * len(regions) + [1]
    return [(1 - reserve) * Fraction(of_region.get(code, 0), whole) for code in regions] + [reserve]


INDEX_ALTERNATIVES = (ScenarioRule.PER_TERRITORY, ScenarioRule.PER_POPULATION)


def index_effect(result: Allocation) -> dict | None:
    """What the fragility index changes: for the lines split « selon l'indice de fragilité », the AE of each région
    under the index against what the same lines (same amounts, same reserve) would give under the equal share per
    territory and under the population. None when no line uses the index."""
    lines = [line for line in result.scenario.lines.all() if line.rule == ScenarioRule.PER_FRAGILITY_INDEX]
    if not lines:
        return None
    rules = (ScenarioRule.PER_FRAGILITY_INDEX, *INDEX_ALTERNATIVES)
    amounts = {rule: defaultdict(Decimal) for rule in rules}
    version = result.scenario.fragility_method_id
    for line in lines:
        for rule in rules:
            alternative = ScenarioLine(action_type=line.action_type, rule=rule, reserve_percent=line.reserve_percent)
            slots = _slot_weights(alternative, Decimal(0), result.regions, result.weights, [], version)
            for region, share in zip(result.regions, split(result.lines["ae"][line.action_type], slots), strict=False):
                amounts[rule][region] += share
    rows = []
    for code in result.regions:
        index = amounts[ScenarioRule.PER_FRAGILITY_INDEX][code]
        others = [amounts[rule][code] for rule in INDEX_ALTERNATIVES]
        pairs = [(other, index - other) for other in others]
        rows.append({"label": result.names.get(code, code), "code": code, "index": index, "pairs": pairs})
    return {
        "lines": [line.get_action_type_display() for line in lines],
        "headers": [ScenarioRule(rule).label for rule in INDEX_ALTERNATIVES],
        "rows": rows,
    }


# --- comparing scenarios --------------------------------------------------------------------------------------------


@dataclass
class ScenarioComparison:
    """Scenarios side by side: per région and per action type, each scenario's euros and its difference with the
    first one (the reference)."""

    allocations: list[Allocation]
    measure: str
    by_region: list[dict]
    by_action_type: list[dict]
    region_chart: dict
    action_type_chart: dict


def compare(scenarios: list[Scenario], *, measure: str = "ae") -> ScenarioComparison:
    """A fixed number of queries, whatever the number of scenarios, lines, régions and territories (prefetch the
    scenarios' lines with `Scenario.objects.with_lines()`)."""
    weights = load_weights({s.year for s in scenarios}, {s.fragility_method_id for s in scenarios})
    names = region_names(settings.DEFAULT_EDITION)
    allocations = [allocation(s, weights=weights[s.year], names=names) for s in scenarios]
    regions = sorted({code for a in allocations for code in a.regions}, key=lambda code: (names.get(code, code), code))
    by_region = [_row(names.get(code, code), [a.region_total(code, measure) for a in allocations]) for code in regions]
    by_region += [
        _row("Réserve nationale (non déléguée)", [a.region_total(RESERVE, measure) for a in allocations]),
        _row("Non affecté (reste au programme)", [a.unallocated[measure] for a in allocations]),
        _row("Total", [a.totals[measure] for a in allocations], is_total=True),
    ]
    by_action_type = [_row(ActionType(t).label, [a.lines[measure][t] for a in allocations]) for t in ActionType.values]
    by_action_type += [
        _row("Non affecté (reste au programme)", [a.unallocated[measure] for a in allocations]),
        _row("Total", [a.totals[measure] for a in allocations], is_total=True),
    ]
    labels = [str(a.scenario) for a in allocations]
    return ScenarioComparison(
        allocations,
        measure,
        by_region,
        by_action_type,
        _chart(
            [names.get(code, code) for code in regions] + ["Réserve nationale"],
            [[a.region_total(code, measure) for code in [*regions, RESERVE]] for a in allocations],
            labels,
        ),
        _chart(
            [ActionType(t).label for t in ActionType.values],
            [[a.lines[measure][t] for t in ActionType.values] for a in allocations],
            labels,
        ),
    )


def _row(label: str, values: list[Decimal], *, is_total: bool = False) -> dict:
    return {"label": label, "values": values, "differences": [v - values[0] for v in values[1:]], "is_total": is_total}


# --- applying a scenario --------------------------------------------------------------------------------------------

Key = tuple[str, str, str]  # (level, action type, région code) of an envelope of the year


@dataclass
class Step:
    """One envelope as the scenario would leave it: what it holds now (None: to be created) and its target."""

    key: Key
    label: str
    current: tuple[Decimal, Decimal] | None
    target: tuple[Decimal, Decimal]
    used: tuple[Decimal, Decimal] = (Decimal(0), Decimal(0))

    @property
    def changes(self) -> bool:
        return self.current != self.target


def targets(result: Allocation) -> dict[Key, tuple[Decimal, Decimal]]:
    """The amounts (AE, CP) of the envelopes the scenario asks for: the programme, each action type nationally
    (its reserve stays there), each région's non-zero share."""
    wanted = {(EnvelopeLevel.PROGRAMME, "", ""): (result.totals["ae"], result.totals["cp"])}
    for action_type in ActionType.values:
        wanted[EnvelopeLevel.NATIONAL, action_type, ""] = (
            result.lines["ae"][action_type],
            result.lines["cp"][action_type],
        )
        for code in result.regions:
            amounts = (result.cell(code, action_type, "ae"), result.cell(code, action_type, "cp"))
            if any(amounts):
                wanted[EnvelopeLevel.REGION, action_type, code] = amounts
    return wanted


def _existing(year: int) -> dict[Key, Envelope]:
    envelopes = Envelope.objects.of_year(year).exclude(level=EnvelopeLevel.DEPARTEMENT)
    return {(e.level, e.action_type, e.region_code): e for e in envelopes}


DEPTH = {EnvelopeLevel.PROGRAMME: 0, EnvelopeLevel.NATIONAL: 1, EnvelopeLevel.REGION: 2}


def plan(result: Allocation) -> list[Step]:
    """What applying the scenario would do to each envelope of its year (for the confirmation page). One query."""
    wanted, existing = targets(result), _existing(result.scenario.year)
    steps = []
    for key in sorted(set(wanted) | set(existing), key=lambda k: (k[1], DEPTH[k[0]], result.names.get(k[2], k[2]))):
        envelope = existing.get(key)
        target = wanted.get(key, (Decimal(0), Decimal(0)))
        if envelope is None and not any(target):
            continue
        steps.append(
            Step(
                key,
                _label(key, result.names),
                (envelope.ae_amount, envelope.cp_amount) if envelope else None,
                target,
                (envelope.ae_used, envelope.cp_used) if envelope else (Decimal(0), Decimal(0)),
            )
        )
    return steps


def _label(key: Key, names: dict) -> str:
    level, action_type, region = key
    if level == EnvelopeLevel.PROGRAMME:
        return "Programme (total de l'année)"
    label = ActionType(action_type).label
    return f"{label} · {names.get(region, region)}" if region else f"{label} · national"


def scenario_apply(*, scenario: Scenario, actor, revision: int | None = None) -> list[Envelope]:
    """Turn the scenario into the envelopes of its year: open the year if needed, then create or adjust the programme,
    the national envelope of each action type and the régions' sub-envelopes, always through `open_year`,
    `delegate` and `set_amounts` (which hold the rules). All or nothing: an envelope that would fall below what it
    already used refuses the whole application, in French. `revision`: the one the confirmation was made on."""
    with transaction.atomic():
        current = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if revision is not None:
            stale = f"Le scénario « {current} » a été modifié entre-temps : relisez-le avant de l'appliquer."
            check_revision(current, revision, stale)
        if current.applied_at is not None:
            raise RuleBroken(f"Le scénario « {current} » a déjà été appliqué le {current.applied_at:%d/%m/%Y}.")
        result = allocation(Scenario.objects.with_lines().get(pk=current.pk))
        try:
            envelopes = _adjust(result, actor)
        except RuleBroken as error:
            raise RuleBroken(f"Le scénario n'a pas été appliqué, aucune enveloppe n'a changé. {error}") from error
        current.applied_at, current.applied_by = timezone.now(), actor
        current.save(update_fields=["applied_at", "applied_by", "updated_at"])
        record(
            actor=actor,
            action="budget.scenario_apply",
            obj=current,
            changes={"applied_at": [None, current.applied_at.isoformat()], "envelopes": [None, len(envelopes)]},
        )
    scenario.applied_at, scenario.applied_by = current.applied_at, current.applied_by
    return envelopes


def _lock_tree(year: int) -> None:
    """Lock the year's envelopes from the top of the tree down (the app's lock order), before any change."""
    for level in (EnvelopeLevel.PROGRAMME, EnvelopeLevel.NATIONAL, EnvelopeLevel.REGION):
        list(Envelope.objects.select_for_update().filter(year=year, level=level).order_by("pk").values_list("pk"))


def _adjust(result: Allocation, actor) -> list[Envelope]:
    """Lower first, from the régions up (to free room), then raise and create from the programme down."""
    year, is_demo = result.scenario.year, result.scenario.is_demo
    _lock_tree(year)
    wanted, existing = targets(result), _existing(year)
    zero = (Decimal(0), Decimal(0))
    for key in sorted(existing, key=lambda k: -DEPTH[k[0]]):
        envelope, (ae, cp) = existing[key], wanted.get(key, zero)
        lower = (min(ae, envelope.ae_amount), min(cp, envelope.cp_amount))
        if lower != (envelope.ae_amount, envelope.cp_amount):
            envelope.set_amounts(actor=actor, ae=lower[0], cp=lower[1], revision=envelope.revision)
    touched = []
    for key in sorted(wanted, key=lambda k: DEPTH[k[0]]):
        (ae, cp), envelope = wanted[key], existing.get(key)
        if envelope is None and not (ae or cp):
            continue
        if envelope is None:
            envelope = _create(key, ae, cp, existing, actor, is_demo, year)
            existing[key] = envelope
        elif (ae, cp) != (envelope.ae_amount, envelope.cp_amount):
            envelope.set_amounts(actor=actor, ae=ae, cp=cp, revision=envelope.revision)
        touched.append(envelope)
    return touched


def _create(key: Key, ae: Decimal, cp: Decimal, existing: dict, actor, is_demo: bool, year: int) -> Envelope:
    level, action_type, region = key
    if level == EnvelopeLevel.PROGRAMME:
        return Envelope.objects.open_year(year=year, ae=ae, cp=cp, actor=actor, is_demo=is_demo)
    if level == EnvelopeLevel.NATIONAL:
        parent = existing[EnvelopeLevel.PROGRAMME, "", ""]
        return parent.delegate(actor=actor, ae=ae, cp=cp, action_type=action_type, is_demo=is_demo)
    parent = existing[EnvelopeLevel.NATIONAL, action_type, ""]
    return parent.delegate(actor=actor, ae=ae, cp=cp, region_code=region, is_demo=is_demo)
