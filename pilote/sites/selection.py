"""Selecting N sites (50 by default) from the scored pool, exactly and openly (issue 11, part 4).

The selection is a 0-1 integer program solved by HiGHS (`highspy`): maximise the chosen objective over the eligible
sites, choosing exactly N, under the constraints ANCT sets (`Selection.constraints`, keys of `DEFAULTS`). In the same
run a greedy heuristic (best first, skipping what breaks a cap, régions' minimums filled first) gives a reference: the
page shows the gap. When no choice satisfies every constraint, each constraint is tried alone and then in pairs with the
N sites asked, and the French explanation names those that cannot hold (alone or together).

Eligibility rules (phase, reliability, area, overseas, forced out) fix a site out; forced-in sites are fixed in; the
caps are rows of the program. A site's new NAF consumption is the ZAN account's one rule (`zan.new_naf_m2`: 0 for a
brownfield or already artificialised land, else its area; unknown area of a greenfield: not countable, so not
eligible under a NAF cap). A site's cost is its fact `bdt_support` (euros) when known.
"""

import math
import time
from dataclasses import dataclass, field
from itertools import combinations

import highspy
import numpy as np
from django.db import transaction
from django.db.models.fields.json import KT
from django.utils import timezone

from pilote.core.audit import record
from pilote.territories.models import Phase

from .enums import Objective
from .labelling import SHORTLISTABLE, TransitionRefused
from .models import Selection, SelectionItem, Site
from .zan import new_naf_m2

OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})  # Guadeloupe, Martinique, Guyane, La Réunion, Mayotte
NEAR_MISSES = 20  # eligible sites kept out, best first, each with what kept it out
EXCLUDED_SHOWN = 10  # best sites excluded by an eligibility rule, with the rule

DEFAULTS = {
    "region_max": None,  # at most k sites per région
    "region_min": None,  # at least k sites per région (each région with an eligible site)
    "include_overseas": True,
    "current_phase_only": False,
    "min_reliability": None,  # 0–1
    "min_area_m2": None,
    "max_area_m2": None,
    "naf_cap_m2": None,  # 0: strict ZAN
    "budget": None,  # euros of Banque des Territoires support, over the sites whose cost is known
    "forced_in": [],  # site identifiers
    "forced_out": [],
}

# The order in which conflicts are looked for and named.
LABELS = {
    "size": "le nombre de sites demandé",
    "overseas": "l'exclusion des régions d'outre-mer",
    "phase": "les seuls sites des territoires de la phase en cours",
    "reliability": "la fiabilité minimale",
    "area": "les surfaces minimale et maximale",
    "forced_out": "les sites écartés d'office",
    "forced_in": "les sites imposés",
    "region_max": "le maximum de sites par région",
    "region_min": "le minimum de sites par région",
    "naf": "le plafond de consommation d'espaces NAF",
    "budget": "le budget de soutien de la Banque des Territoires",
}


def naf_impact(site) -> float | None:
    """New NAF (natural, agricultural, forest) land a site consumes, m²; None when it cannot be told (`zan`'s rule)."""
    return new_naf_m2(site.kind, site.is_artificialised, site.area_m2)


def _known_number(fact) -> float | None:
    value = (fact or {}).get("value")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Candidate:
    """A scored site, as the program sees it."""

    site_id: int
    identifier: str
    name: str
    score: float
    reliability: float
    region: str
    area_m2: float | None
    naf_m2: float | None
    cost: float | None
    in_phase: bool

    @classmethod
    def of(cls, site, score, *, phase_slug: str | None) -> "Candidate":
        return cls(
            site_id=site.pk,
            identifier=site.identifier,
            name=site.name,
            score=score.score,
            reliability=score.reliability,
            region=site.region_code,
            area_m2=site.area_m2,
            naf_m2=naf_impact(site),
            cost=_known_number(site.effective_facts().get("bdt_support")),
            in_phase=bool(phase_slug and site.territories.get(phase_slug)),
        )

    def value(self, objective: str) -> float:
        if objective == Objective.SCORE_RELIABLE:
            return self.score * self.reliability
        if objective == Objective.AREA:
            return self.area_m2 or 0.0
        return self.score


@dataclass
class Outcome:
    status: str  # "optimal" or "infeasible"
    chosen: list[Candidate] = field(default_factory=list)
    greedy: list[Candidate] | None = None
    exact_value: float | None = None
    greedy_value: float | None = None
    seconds: float = 0.0
    conflicts: list[str] = field(default_factory=list)  # French sentences, when infeasible
    reasons: dict[int, dict] = field(default_factory=dict)  # site id → why chosen / what kept it out
    near_misses: list[Candidate] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        """The share of the optimum the greedy heuristic misses (0 = as good)."""
        if self.exact_value is None or self.greedy_value is None or not self.exact_value:
            return None
        return (self.exact_value - self.greedy_value) / abs(self.exact_value)


class Problem:
    """The candidates, the objective and the constraints; which rules apply is a parameter so that conflicts can be
    looked for by switching them on alone or in pairs."""

    def __init__(self, candidates: list[Candidate], *, size: int, objective: str, constraints: dict):
        self.candidates = candidates
        self.size = size
        self.objective = objective
        self.c = {**DEFAULTS, **constraints}
        self.values = np.array([c.value(objective) for c in candidates], dtype=float)
        self.naf = np.array([0.0 if c.naf_m2 is None else c.naf_m2 for c in candidates], dtype=float)
        self.cost = np.array([c.cost or 0.0 for c in candidates], dtype=float)
        self.masks = self._masks()
        codes, inverse = np.unique(np.array([c.region for c in candidates], dtype=object), return_inverse=True)
        self.regions = {code: np.flatnonzero(inverse == k) for k, code in enumerate(codes) if code}

    def _masks(self) -> dict[str, np.ndarray]:
        """Per eligibility rule, the candidates it keeps out (computed once: conflicts solve many times)."""
        cands, c = self.candidates, self.c
        identifiers = np.array([x.identifier for x in cands], dtype=object)
        area = np.array([np.nan if x.area_m2 is None else x.area_m2 for x in cands], dtype=float)
        low = -np.inf if c["min_area_m2"] is None else c["min_area_m2"]
        high = np.inf if c["max_area_m2"] is None else c["max_area_m2"]
        with np.errstate(invalid="ignore"):
            small_or_large = np.isnan(area) | (area < low) | (area > high)
        return {
            "overseas": np.array([x.region in OVERSEAS_REGIONS for x in cands], dtype=bool),
            "phase": np.array([not x.in_phase for x in cands], dtype=bool),
            "reliability": np.array([x.reliability < (c["min_reliability"] or 0) for x in cands], dtype=bool),
            "area": small_or_large,
            "forced_out": np.isin(identifiers, list(c["forced_out"])),
            "naf": np.array([x.naf_m2 is None for x in cands], dtype=bool),
            "forced_in": np.isin(identifiers, list(c["forced_in"])),
        }

    def eligible(self, rules) -> np.ndarray:
        out = np.ones(len(self.candidates), dtype=bool)
        for rule in rules:
            if rule in self.masks and rule != "forced_in":
                out &= ~self.masks[rule]
        return out

    # --- which rules are set -----------------------------------------------------------------------------------
    def rules(self) -> list[str]:
        c = self.c
        present = {
            "overseas": not c["include_overseas"],
            "phase": c["current_phase_only"],
            "reliability": c["min_reliability"] is not None,
            "area": c["min_area_m2"] is not None or c["max_area_m2"] is not None,
            "forced_out": bool(c["forced_out"]),
            "forced_in": bool(c["forced_in"]),
            "region_max": c["region_max"] is not None,
            "region_min": bool(c["region_min"]),
            "naf": c["naf_cap_m2"] is not None,
            "budget": c["budget"] is not None,
        }
        return [key for key in LABELS if present.get(key)]

    def exclusion(self, cand: Candidate, rules) -> str | None:
        """The eligibility rule (among `rules`) that keeps a site out, in French; None when eligible."""
        c = self.c
        if "forced_out" in rules and cand.identifier in c["forced_out"]:
            return "écarté d'office"
        if "overseas" in rules and cand.region in OVERSEAS_REGIONS:
            return "région d'outre-mer exclue"
        if "phase" in rules and not cand.in_phase:
            return "hors des territoires de la phase en cours"
        if "reliability" in rules and cand.reliability < c["min_reliability"]:
            return f"fiabilité {cand.reliability:.0%} sous le minimum de {c['min_reliability']:.0%}"
        if "area" in rules:
            if cand.area_m2 is None:
                return "surface inconnue"
            if c["min_area_m2"] is not None and cand.area_m2 < c["min_area_m2"]:
                return f"surface {_ha(cand.area_m2)} sous le minimum de {_ha(c['min_area_m2'])}"
            if c["max_area_m2"] is not None and cand.area_m2 > c["max_area_m2"]:
                return f"surface {_ha(cand.area_m2)} au-delà du maximum de {_ha(c['max_area_m2'])}"
        if "naf" in rules and cand.naf_m2 is None:
            return "consommation d'espaces NAF inconnue (terrain non artificialisé de surface inconnue)"
        return None

    # --- the exact program ---------------------------------------------------------------------------------------
    def solve(self, rules) -> list[int] | None:
        """Indices of the chosen candidates, optimal under `rules`; None when infeasible."""
        n = len(self.candidates)
        eligible = self.eligible(rules)
        forced = self.masks["forced_in"] if "forced_in" in rules else np.zeros(n, dtype=bool)
        if (forced & ~eligible).any() or eligible.sum() < self.size:
            return None
        cols = np.flatnonzero(eligible & ~self._dominated(rules, eligible, forced))
        m = len(cols)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)  # exact: the default stops within 0.01 % of the bound
        empty = np.array([], dtype=np.int32)
        h.addCols(m, -self.values[cols], forced[cols].astype(float), np.ones(m), 0, empty, empty, [])
        h.changeColsIntegrality(m, np.arange(m, dtype=np.int32), np.full(m, highspy.HighsVarType.kInteger))
        for row_lower, row_upper, index, coefficient in self._rows(rules, cols, eligible):
            h.addRow(row_lower, row_upper, len(index), index.astype(np.int32), coefficient)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(h.getSolution().col_value)
        return sorted(int(i) for i in cols[x > 0.5])

    def _dominated(self, rules, eligible, forced) -> np.ndarray:
        """Sites no optimum needs: in a région, those ranked after its k best "free" sites (no new NAF, no cost;
        k = N, or the région's cap). Any choice using one can swap it for an unused free site of the same région
        ranked above it: the région's count is unchanged, NAF and cost do not grow, the value does not fall."""
        c, out = self.c, np.zeros(len(self.candidates), dtype=bool)
        k = min(self.size, c["region_max"]) if "region_max" in rules else self.size  # at most k taken in a région
        free = eligible & ~forced
        if "naf" in rules:
            free &= self.naf == 0
        if "budget" in rules:
            free &= self.cost == 0
        for indices in self.regions.values():
            mine = indices[eligible[indices] & ~forced[indices]]
            ranked = mine[np.lexsort((mine, -self.values[mine]))]
            free_positions = np.flatnonzero(free[ranked])
            if len(free_positions) >= k and k > 0:
                out[ranked[free_positions[k - 1] + 1 :]] = True
        return out

    def _rows(self, rules, cols, eligible):
        """(lower, upper, column positions, coefficients) of each row, over the columns kept."""
        c, m = self.c, len(cols)
        yield self.size, self.size, np.arange(m), np.ones(m)
        if "region_max" in rules or "region_min" in rules:
            position = np.full(len(self.candidates), -1)
            position[cols] = np.arange(m)
            for indices in self.regions.values():
                if not eligible[indices].any():
                    continue  # a région counts when it has an eligible site
                kept = position[indices]
                kept = kept[kept >= 0]
                low = c["region_min"] if "region_min" in rules else 0
                high = c["region_max"] if "region_max" in rules else highspy.kHighsInf
                yield low, high, kept, np.ones(len(kept))
        if "naf" in rules:
            yield -highspy.kHighsInf, c["naf_cap_m2"], np.arange(m), self.naf[cols]
        if "budget" in rules:
            yield -highspy.kHighsInf, c["budget"], np.arange(m), self.cost[cols]

    # --- the greedy heuristic ------------------------------------------------------------------------------------
    def greedy(self, rules) -> list[int] | None:
        """Best first: forced sites, then the best of each région up to its minimum, then the best that breaks no
        cap. None when it ends short of N sites or below a minimum."""
        eligible = [int(i) for i in np.flatnonzero(self.eligible(rules))]
        eligible.sort(key=lambda i: (-self.values[i], self.candidates[i].identifier))
        state = _Greedy(self, rules)
        for i in eligible:
            if "forced_in" in rules and self.candidates[i].identifier in self.c["forced_in"]:
                state.take(i, force=True)
        if "region_min" in rules:
            for i in eligible:
                if state.count(self.candidates[i].region) < self.c["region_min"]:
                    state.take(i)
        for i in eligible:
            if len(state.chosen) < self.size:
                state.take(i)
        regions = {self.candidates[i].region for i in eligible if self.candidates[i].region}
        return state.result(regions)


class _Greedy:
    def __init__(self, problem: Problem, rules):
        self.p, self.rules, self.chosen, self.naf, self.cost, self.regions = problem, rules, [], 0.0, 0.0, {}

    def count(self, region: str) -> int:
        return self.regions.get(region, 0)

    def fits(self, cand: Candidate) -> bool:
        c = self.p.c
        if "region_max" in self.rules and self.count(cand.region) >= c["region_max"]:
            return False
        if "naf" in self.rules and self.naf + (cand.naf_m2 or 0) > c["naf_cap_m2"]:
            return False
        return not ("budget" in self.rules and self.cost + (cand.cost or 0) > c["budget"])

    def take(self, i: int, *, force: bool = False):
        cand = self.p.candidates[i]
        if i in self.chosen or len(self.chosen) >= self.p.size or not (force or self.fits(cand)):
            return
        self.chosen.append(i)
        self.naf += cand.naf_m2 or 0
        self.cost += cand.cost or 0
        self.regions[cand.region] = self.count(cand.region) + 1

    def result(self, regions: set[str]) -> list[int] | None:
        """The choice, unless it is short, below a région's minimum, or over a cap because of forced sites."""
        c = self.p.c
        short = len(self.chosen) != self.p.size
        below = "region_min" in self.rules and any(self.count(r) < c["region_min"] for r in regions)
        over_naf = "naf" in self.rules and self.naf > c["naf_cap_m2"]
        over_budget = "budget" in self.rules and self.cost > c["budget"]
        over_regions = "region_max" in self.rules and any(n > c["region_max"] for n in self.regions.values())
        return None if short or below or over_naf or over_budget or over_regions else self.chosen


def _ha(m2: float) -> str:
    return f"{m2 / 10_000:.1f} ha".replace(".", ",")


def conflicts(problem: Problem) -> list[str]:
    """Why no choice of N sites satisfies the constraints, in French: the rules that fail alone with the number of
    sites asked, then the pairs that fail together though each holds alone."""
    rules = problem.rules()
    if problem.solve([]) is None:
        eligible = len(problem.candidates)
        return [f"Le vivier noté ne compte que {eligible} site(s) : impossible d'en retenir {problem.size}."]
    alone = [rule for rule in rules if problem.solve([rule]) is None]
    sentences = [f"Avec {problem.size} sites, {LABELS[rule]} ne peut être respecté(e) à lui seul." for rule in alone]
    holding = [rule for rule in rules if rule not in alone]
    for first, second in combinations(holding, 2):
        if problem.solve([first, second]) is None:
            sentences.append(f"Avec {problem.size} sites, {LABELS[first]} et {LABELS[second]} sont incompatibles.")
    if not sentences:
        together = ", ".join(LABELS[rule] for rule in rules)
        sentences.append(
            f"Chaque contrainte tient seule et deux à deux ; c'est leur ensemble ({together}) qui empêche tout choix."
        )
    return sentences


def solve(candidates: list[Candidate], *, size: int, objective: str, constraints: dict) -> Outcome:
    """The exact selection, the greedy one, their values and the reasons; or the conflicts when infeasible."""
    problem = Problem(candidates, size=size, objective=objective, constraints=constraints)
    rules = problem.rules()
    start = time.perf_counter()
    exact = problem.solve(rules)
    greedy = problem.greedy(rules)
    outcome = Outcome(status="optimal" if exact is not None else "infeasible", seconds=time.perf_counter() - start)
    if greedy is not None:
        outcome.greedy = [candidates[i] for i in greedy]
        outcome.greedy_value = _value(problem, greedy)
    if exact is None:
        outcome.conflicts = conflicts(problem)
        return outcome
    outcome.chosen = [candidates[i] for i in exact]
    outcome.exact_value = _value(problem, exact)
    _explain(problem, rules, exact, outcome)
    return outcome


def _value(problem: Problem, indices) -> float:
    return float(math.fsum(problem.values[i] for i in indices))


def _explain(problem: Problem, rules, exact: list[int], outcome: Outcome):
    """Why each chosen site is in and what kept the best others out."""
    cands, c = problem.candidates, problem.c
    chosen = set(exact)
    order = sorted(range(len(cands)), key=lambda i: (-problem.values[i], cands[i].identifier))
    mask = problem.eligible(rules)
    eligible = [i for i in order if mask[i]]
    rank = {i: r + 1 for r, i in enumerate(eligible)}
    regions: dict[str, int] = {}
    for i in exact:
        regions[cands[i].region] = regions.get(cands[i].region, 0) + 1
    naf = sum(cands[i].naf_m2 or 0 for i in exact)
    cost = sum(cands[i].cost or 0 for i in exact)
    last = min(problem.values[i] for i in exact)
    for i in exact:
        cand = cands[i]
        why = []
        if "forced_in" in rules and cand.identifier in c["forced_in"]:
            why.append("site imposé")
        if "region_min" in rules and regions[cand.region] <= c["region_min"] and rank[i] > problem.size:
            why.append(f"complète le minimum de {c['region_min']} site(s) de sa région")
        if rank[i] <= problem.size:
            why.append(f"{rank[i]}{'re' if rank[i] == 1 else 'e'} meilleure valeur des sites éligibles")
        if not why:
            why.append("meilleure combinaison sous les plafonds (NAF, budget, régions)")
        outcome.reasons[cand.site_id] = {"kind": "chosen", "rank": rank[i], "why": why}
    near = [i for i in eligible if i not in chosen][:NEAR_MISSES]
    for i in near:
        cand, why = cands[i], []
        if "region_max" in rules and regions.get(cand.region, 0) >= c["region_max"]:
            why.append(f"sa région a déjà ses {c['region_max']} site(s) au maximum")
        if "naf" in rules and (cand.naf_m2 or 0) > 0 and naf + cand.naf_m2 > c["naf_cap_m2"]:
            why.append(f"consommerait {_ha(cand.naf_m2)} d'espaces NAF au-delà du plafond")
        if "budget" in rules and (cand.cost or 0) > 0 and cost + cand.cost > c["budget"]:
            why.append(f"son soutien de {cand.cost:,.0f} € dépasserait le budget".replace(",", " "))
        if not why:
            why.append(f"valeur inférieure à celle du dernier site retenu ({last:.1f})".replace(".", ","))
        outcome.reasons[cand.site_id] = {"kind": "near_miss", "rank": rank[i], "why": why}
    excluded = [i for i in order if i not in rank][:EXCLUDED_SHOWN]
    for i in excluded:
        outcome.reasons[cands[i].site_id] = {"kind": "excluded", "why": [problem.exclusion(cands[i], rules)]}
    outcome.near_misses = [cands[i] for i in near + excluded]


# --- the saved selection -------------------------------------------------------------------------------------------
def current_phase_slug() -> str | None:
    phase = Phase.objects.order_by("starts_on_year").last()
    return phase.slug if phase else None


def candidates(method) -> list[Candidate]:
    """Every site scored by the method version, read in one query (facts reduced to the cost)."""
    phase = current_phase_slug()
    rows = Site.objects.filter(scores__method=method).values_list(
        "pk", "scores__score", "scores__reliability", "identifier", "name", "kind", "region_code", "area_m2",
        "is_artificialised", "territories", KT("added_facts__bdt_support__value"), KT("facts__bdt_support__value"),
    )  # fmt: skip
    out = []
    for pk, score, reliability, identifier, name, kind, region, area, artificialised, territories, *costs in rows:
        out.append(
            Candidate(
                site_id=pk,
                identifier=identifier,
                name=name,
                score=score,
                reliability=reliability,
                region=region,
                area_m2=area,
                naf_m2=new_naf_m2(kind, artificialised, area),
                cost=_number(next((c for c in costs if c), None)),
                in_phase=bool(phase and (territories or {}).get(phase)),
            )  # fmt: skip
        )
    return out


def _number(text) -> float | None:
    try:
        return float(text) if text not in (None, "", "null") else None
    except ValueError:
        return None


@transaction.atomic
def run(selection: Selection) -> Outcome:
    """Solves a saved selection and writes its result: values, time, explanation, chosen sites and near-misses."""
    outcome = solve(
        candidates(selection.method), size=selection.size, objective=selection.objective,
        constraints=selection.constraints,
    )  # fmt: skip
    greedy_ids = {c.site_id for c in outcome.greedy or []}
    chosen_ids = {c.site_id for c in outcome.chosen}
    selection.status = outcome.status
    selection.exact_value, selection.greedy_value = outcome.exact_value, outcome.greedy_value
    selection.solve_seconds = outcome.seconds
    selection.explanation = {
        "conflicts": outcome.conflicts,
        "gap": outcome.gap,
        "greedy_only": sorted(c.identifier for c in outcome.greedy or [] if c.site_id not in chosen_ids),
    }
    selection.save()
    SelectionItem.objects.filter(selection=selection).delete()
    SelectionItem.objects.bulk_create(
        SelectionItem(
            selection=selection,
            site_id=c.site_id,
            chosen=c.site_id in chosen_ids,
            in_greedy=c.site_id in greedy_ids,
            reason=outcome.reasons.get(c.site_id, {}),
        )  # fmt: skip
        for c in outcome.chosen + outcome.near_misses
    )
    return outcome


@transaction.atomic
def adopt(selection: Selection, user, *, as_bdt: bool) -> None:
    """ANCT and Banque des Territoires each adopt the selection; one selection is adopted at a time, so adopting this
    one withdraws the same party's adoption of another. Adopted when both have."""
    field_name = "adopted_by_bdt" if as_bdt else "adopted_by_anct"
    for other in Selection.objects.exclude(pk=selection.pk).filter(**{f"{field_name}__isnull": False}):
        previous = str(getattr(other, field_name))
        setattr(other, field_name, None)
        other.adopted_at = None
        other.save(update_fields=[field_name, "adopted_at"])
        record(actor=user, action="selection.withdraw", obj=other, changes={field_name: [previous, None]})
    setattr(selection, field_name, user)
    selection.adopted_at = timezone.now() if selection.adopted_by_anct_id and selection.adopted_by_bdt_id else None
    selection.save(update_fields=[field_name, "adopted_at"])
    record(actor=user, action="selection.adopt", obj=selection, changes={field_name: [None, str(user)]})


def shortlist_chosen(selection: Selection, user) -> tuple[int, int]:
    """The adopted selection starts the labelling of its sites: each chosen site still in the pool, proposed or
    postponed is shortlisted (« présélectionné ») through its workflow, with its own history row; the sites already
    further on are left as they are. Returns (shortlisted, left as they were)."""
    chosen = SelectionItem.objects.filter(selection=selection, chosen=True).values("site_id")
    sites = list(Site.objects.filter(pk__in=chosen).order_by("pk"))
    done = 0
    with transaction.atomic():
        for site in sites:
            if site.label_state not in SHORTLISTABLE:
                continue
            try:
                site.run_label("shortlist", by=user, comment=f"Retenu par la sélection adoptée « {selection.name} »")
            except TransitionRefused as refusal:  # changed meanwhile: left as it now is
                if refusal.forbidden:
                    raise
                continue
            done += 1
    return done, len(sites) - done
