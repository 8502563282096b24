"""The qualification of a site for industrial use: a versioned method of weighted criteria, and its scores.

In the spirit of Mutafriches' industrial-use score: each criterion turns one fact of the site into points between -1
(a constraint) and +1 (an advantage); an unknown fact gives 0 (neutral) and counts against the **reliability**, the
share of the weights resting on known facts. The score, 0 to 100, is 50 × (1 + Σ weight × points / Σ weight): 50 is
a site about which nothing is known or whose advantages and constraints cancel out; it is additive over criteria, so a
selection can add scores up.

Facts read (keys of `Site.effective_facts()`, each `{"value", "source", "date"}`, value None = unknown):
`zoning` (zone type of the urban-planning document: U…, AU…, A…, N…), `land_control` ("controlled", "in_progress",
"none"), `owner_type` (Cartofriches `proprio_personne`), `pollution` (the CNIG Friches words Cartofriches and the
proposal form write, « pollution inexistante » … « pollution avérée »; version 1 also reads "none", "unlikely",
"suspected", "proven", "treated", which no source writes), `networks` (serviced: True/False), `motorway_distance_m`,
`rail_distance_m`, `waterway_distance_m` (metres), `flood_risk` and `protected_area` (True/False). Three facts come
from the site itself: `area` (area_m2), `brownfield` (its kind, or land already artificialised) and
`programme_territory` (in a territory of the current phase, through the stored resolutions). Which source writes
each is checked by tests/sites/test_fact_keys.py; see KNOWN_WHEN_A_PERSON_ADDS.

A published method never changes (`QualificationMethod.save` refuses it): a change is a new version, and the scores
of a version (`SiteScore`, one row per method and site) are never rewritten by another.
"""

import orjson
from django.db import connections, transaction
from django.db.models import F, Func, Max, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from pilote.core import audit
from pilote.core.bulk import collector_paused
from pilote.territories.models import Phase

from .enums import MethodStatus, SiteKind
from .facts import LABELS
from .models import QualificationMethod, Site, SiteScore


def _range(points, label, low=None, high=None):
    return {"min": low, "max": high, "points": points, "label": label}


def _is(match, points, label):
    return {"match": match, "points": points, "label": label}


def _prefix(prefix, points, label):
    return {"prefix": prefix, "points": points, "label": label}


# The default method, version 1. Values are tried in order: the first that matches gives the points.
DEFAULT_CRITERIA = [
    {
        "key": "area",
        "label": "Surface du site",
        "weight": 3,
        "values": [
            _range(-1, "moins de 0,5 ha", high=5_000),
            _range(0, "de 0,5 à 2 ha", 5_000, 20_000),
            _range(0.5, "de 2 à 10 ha", 20_000, 100_000),
            _range(1, "10 ha ou plus", 100_000),
        ],
    },
    {
        "key": "zoning",
        "label": "Zonage du document d'urbanisme",
        "weight": 2,
        "values": [
            _prefix("U", 1, "zone urbaine (U)"),
            _prefix("AU", 0.5, "zone à urbaniser (AU)"),
            _prefix("A", -1, "zone agricole (A)"),
            _prefix("N", -1, "zone naturelle (N)"),
        ],
    },
    {
        "key": "land_control",
        "label": "Maîtrise foncière",
        "weight": 2,
        "values": [
            _is("controlled", 1, "maîtrisé par la collectivité ou l'aménageur"),
            _is("in_progress", 0.5, "acquisition en cours"),
            _is("none", -0.5, "non maîtrisé"),
        ],
    },
    {
        "key": "owner_type",
        "label": "Type de propriétaire",
        "weight": 1,
        "values": [
            _is("personne morale", 0.5, "personne morale"),
            _is("personne physique", -0.5, "personne physique"),
            _is("personne physique, personne morale", -0.5, "propriétaires multiples (physiques et morales)"),
        ],
    },
    {
        "key": "pollution",
        "label": "Pollution des sols",
        "weight": 2,
        "values": [
            _is("none", 1, "pollution inexistante"),
            _is("treated", 1, "pollution traitée"),
            _is("unlikely", 0.5, "pollution peu probable"),
            _is("suspected", -0.5, "pollution supposée"),
            _is("proven", -1, "pollution avérée"),
            # as Cartofriches (CNIG Friches) writes them
            _is("pollution inexistante", 1, "pollution inexistante"),
            _is("pollution traitée", 1, "pollution traitée"),
            _is("pollution peu probable", 0.5, "pollution peu probable"),
            _is("pollution supposée", -0.5, "pollution supposée"),
            _is("pollution avérée", -1, "pollution avérée"),
        ],
    },
    {
        "key": "networks",
        "label": "Réseaux (site viabilisé)",
        "weight": 1,
        "values": [_is(True, 1, "viabilisé"), _is(False, -0.5, "non viabilisé")],
    },
    {
        "key": "motorway_distance_m",
        "label": "Distance à un échangeur autoroutier",
        "weight": 2,
        "values": [
            _range(1, "moins de 5 km", high=5_000),
            _range(0.5, "de 5 à 15 km", 5_000, 15_000),
            _range(0, "de 15 à 30 km", 15_000, 30_000),
            _range(-1, "30 km ou plus", 30_000),
        ],
    },
    {
        "key": "rail_distance_m",
        "label": "Distance au fret ferroviaire",
        "weight": 1,
        "values": [
            _range(1, "moins de 1 km (embranchement possible)", high=1_000),
            _range(0.5, "de 1 à 5 km", 1_000, 5_000),
            _range(0, "5 km ou plus", 5_000),
        ],
    },
    {
        "key": "waterway_distance_m",
        "label": "Distance à une voie navigable",
        "weight": 0.5,
        "values": [_range(1, "moins de 2 km", high=2_000), _range(0, "2 km ou plus", 2_000)],
    },
    {
        "key": "flood_risk",
        "label": "Risque d'inondation",
        "weight": 1.5,
        "values": [_is(True, -1, "en zone inondable"), _is(False, 0.5, "hors zone inondable")],
    },
    {
        "key": "protected_area",
        "label": "Espaces naturels protégés (Natura 2000, ZNIEFF, zone humide)",
        "weight": 1.5,
        "values": [_is(True, -1, "dans ou au contact d'un espace protégé"), _is(False, 0.5, "hors espace protégé")],
    },
    {
        "key": "brownfield",
        "label": "Friche ou terrain déjà artificialisé (sobriété foncière)",
        "weight": 2,
        "values": [_is(True, 1, "oui : aucune consommation d'espace naturel"), _is(False, -0.5, "non : terrain nu")],
    },
    {
        "key": "programme_territory",
        "label": "Dans un territoire d'industrie de la phase en cours",
        "weight": 1,
        "values": [_is(True, 1, "oui"), _is(False, 0, "non")],
    },
]

SOURCE_OF_SITE = "fiche du site (Pilote)"
# The facts no importer writes: Cartofriches and the CNIG SITE-ECO files carry no flood risk nor protected area, so
# they are known only when a person adds them (the proposal form); until then « inconnu », neutral. The distance to
# a motorway interchange comes from SITE-ECO only: Cartofriches' `desserte_distance_route` is the distance to any
# road, kept as `distance_road_m` and read by no criterion. (tests/sites/test_fact_keys.py)
KNOWN_WHEN_A_PERSON_ADDS = {"flood_risk", "protected_area"}


def ensure_default_method() -> QualificationMethod:
    """The default published method, version 1 (idempotent)."""
    method = QualificationMethod.objects.filter(number=1).first()
    if method is None:
        method = QualificationMethod.objects.create(
            number=1,
            criteria=DEFAULT_CRITERIA,
            notes="Version initiale (voir la décision d'architecture 0009).",
            status=MethodStatus.PUBLISHED,
            published_at=timezone.now(),
        )
    return method


def latest_method() -> QualificationMethod | None:
    return QualificationMethod.objects.filter(status=MethodStatus.PUBLISHED).order_by("-number").first()


@transaction.atomic
def publish_new_version(*, criteria: list, notes: str, actor) -> QualificationMethod:
    """A new published version (next number), its audit row, and the scores of the whole pool under it."""
    # Two editors at once: the second waits on the latest version's row, then takes the next number.
    QualificationMethod.objects.select_for_update().order_by("-number").first()
    number = (QualificationMethod.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    method = QualificationMethod.objects.create(
        number=number,
        criteria=criteria,
        notes=notes,
        created_by=actor,
        status=MethodStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    weights = {c["key"]: c["weight"] for c in criteria}
    audit.record(
        actor=actor,
        action="sites.method_publish",
        obj=method,
        changes={"number": [None, number], "weights": [None, weights], "notes": [None, notes]},
    )
    score_pool(method)
    return method


# --- Scoring -----------------------------------------------------------------------------------------------------


def _test(rule: dict):
    """The rule as a predicate of a known value (compiled once per scoring, not once per site)."""
    if "match" in rule:
        match, kind = rule["match"], type(rule["match"])
        return lambda value: value == match and type(value) is kind
    if "prefix" in rule:
        prefix = rule["prefix"].upper()
        return lambda value: isinstance(value, str) and value.upper().startswith(prefix)
    low, high = rule.get("min"), rule.get("max")
    low = float("-inf") if low is None else low
    high = float("inf") if high is None else high
    return lambda value: type(value) in (int, float) and low <= value < high


def compile_criteria(criteria: list) -> list:
    return [
        (c["key"], c["weight"], [(_test(r), round(c["weight"] * r["points"], 4), r["label"]) for r in c["values"]])
        for c in criteria
    ]


def _outcome(rules: list, value) -> tuple[float, bool, str]:
    """(weighted points, known, label) of one value: the first rule that matches, else 0 and « inconnu »."""
    if value is not None:
        for test, points, label in rules:
            if test(value):
                return points, True, label
    return 0.0, False, "inconnu"


def _line(weight: float, rules: list, points: float, value, source: str, date: str) -> dict:
    """One criterion's line as the score page shows it; `known` and `label` read again from the method's rules (a
    published method never changes, so they are those of the scoring)."""
    _, known, label = _outcome(rules, value)
    return {"points": points, "weight": weight, "value": value, "known": known, "label": label,
            "source": source, "date": date}  # fmt: skip


def criterion_points(criterion: dict, fact: dict | None) -> dict:
    """{"points", "weight", "value", "known", "label", "source", "date"}: the weighted points one fact earns (0 if
    unknown or if no value of the criterion matches it: neither advantage nor constraint)."""
    ((_, weight, rules),) = compile_criteria([criterion])
    fact = fact if isinstance(fact, dict) else {}
    value = fact.get("value")
    return _line(weight, rules, _outcome(rules, value)[0], value, fact.get("source", ""), fact.get("date", ""))


_NO_FACT = {}  # read only


def _scored(compiled: list, facts: dict, total_weight: float, memo: list) -> tuple[float, float, dict]:
    """(score, reliability, stored points) of one site; the scoring of the pool calls it once per site, so each
    criterion's outcome is looked up by value in `memo` (one dict per criterion: the values repeat) and the stored
    shape is compact: {"lines": {key: [points, value, n]}, "sources": [[source, date], …]}, n the fact's (source,
    date) in `sources` (a site's facts mostly share one source). The labels are the method's: `explain` adds them."""
    lines, sources, numbers, balance, known = {}, [], {}, 0.0, 0.0
    for (key, weight, rules), outcomes in zip(compiled, memo, strict=True):
        fact = facts.get(key)
        if fact.__class__ is not dict:
            fact = _NO_FACT
        value = fact.get("value")
        try:
            points, is_known = outcomes[value.__class__, value]
        except KeyError:
            points, is_known, _ = _outcome(rules, value)
            outcomes[value.__class__, value] = points, is_known
        except TypeError:  # a list or an object as a value: no rule matches it
            points, is_known = 0.0, False
        origin = (fact.get("source", ""), fact.get("date", ""))
        number = numbers.get(origin)
        if number is None:
            number = numbers[origin] = len(sources)
            sources.append(origin)
        lines[key] = [points, value, number]
        balance += points
        if is_known:
            known += weight
    stored = {"lines": lines, "sources": sources}
    return round(50 * (1 + balance / total_weight), 2), round(known / total_weight, 4), stored


def _total_weight(compiled: list) -> float:
    return sum(weight for _, weight, _ in compiled) or 1


def explain(criteria: list, stored: dict, *, compiled: list | None = None) -> dict:
    """The stored points of a score as lines {key: {"points", "weight", "value", "known", "label", "source",
    "date"}}, in the method's order; a criterion the score lacks is left out."""
    lines, sources = stored.get("lines", {}), stored.get("sources", [])
    explained = {}
    for key, weight, rules in compiled or compile_criteria(criteria):
        if key in lines:
            points, value, number = lines[key]
            explained[key] = _line(weight, rules, points, value, *sources[number])
        elif isinstance(stored.get(key), dict):  # a score stored whole, line by line, before the compact shape
            old = stored[key]
            explained[key] = _line(weight, rules, old["points"], old.get("value"), old.get("source", ""),
                                   old.get("date", ""))  # fmt: skip
    return explained


def score_of(criteria: list, facts: dict, *, compiled: list | None = None) -> tuple[float, float, dict]:
    """(score 0–100, reliability 0–1, lines per criterion as `explain` gives them) of one site's facts."""
    compiled = compiled or compile_criteria(criteria)
    score, reliability, stored = _scored(compiled, facts, _total_weight(compiled), [{} for _ in compiled])
    return score, reliability, explain(criteria, stored, compiled=compiled)


def site_facts(*, kind, area_m2, is_artificialised, territories, facts, added_facts, current_phase) -> dict:
    """The facts a method reads: the site's effective facts and the three the site itself holds."""
    own = {"value": None, "source": SOURCE_OF_SITE, "date": ""}
    derived = {
        "area": {**own, **(facts.get("area") or {}), "value": area_m2},
        "brownfield": {**own, "value": kind == SiteKind.BROWNFIELD or bool(is_artificialised)},
        "programme_territory": {**own, "value": bool(current_phase and territories.get(current_phase))},
    }
    return {**facts, **added_facts, **derived}


def current_phase_slug() -> str:
    return Phase.objects.order_by("starts_on_year").values_list("slug", flat=True).last() or ""


@transaction.atomic
def score_pool(method: QualificationMethod, sites=None) -> int:
    """Scores every site of the pool (or of `sites`) under `method`, in bulk; replaces only this method's scores."""
    phase, compiled = current_phase_slug(), compile_criteria(method.criteria)
    total_weight, memo = _total_weight(compiled), [{} for _ in compiled]
    keys = [key for key, _, _ in compiled]
    existing = SiteScore.objects.filter(method=method)
    if sites is not None:
        existing = existing.filter(site__in=sites.values("pk"))
    with collector_paused():  # a million dicts, lists and strings, no cycle: the collector took half of the time
        read = list(_site_rows(Site.objects.all() if sites is None else sites, keys))  # one query at a time
        # scored as they are written: on PostgreSQL the server takes in the COPY while the next sites are scored
        rows = (
            (site_id, *_scored(compiled, site_facts(**row, current_phase=phase), total_weight, memo))
            for site_id, row in read
        )
        _write_scores(method, rows, replacing=existing)
        return len(read)


def _site_rows(queryset, keys: list[str]):
    """(site id, {field: value}) of the fields a method reads. Read by a plain cursor (Django's row converters took a
    sixth of the scoring), the JSON as text decoded by orjson. Only the facts under `keys` leave the database (a
    site's facts are 3 kB, 72 MB for the pool, most of them read by no criterion): on SQLite one `json_extract` of
    all the keys, on PostgreSQL the object without the others."""
    postgresql = connections[queryset.db].vendor == "postgresql"
    texts = {"territories_text": Cast("territories", TextField())}
    for name in ("facts", "added_facts"):
        texts[f"{name}_text"] = _picked_pg(name, keys) if postgresql else _picked_sqlite(name, keys)
    query = queryset.annotate(**texts).values_list("id", "kind", "area_m2", "is_artificialised", *texts)
    sql, params = query.query.sql_with_params()
    decode = (lambda text: orjson.loads(text) if text else {}) if postgresql else _zipped(keys)
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        for site_id, kind, area_m2, is_artificialised, territories, facts, added_facts in cursor:
            yield site_id, {
                "kind": kind, "area_m2": area_m2, "is_artificialised": is_artificialised,
                "territories": orjson.loads(territories), "facts": decode(facts), "added_facts": decode(added_facts),
            }  # fmt: skip


def _picked_pg(field: str, keys: list[str]) -> Func:
    """The object `field` as text without the catalogued facts (facts.LABELS) no criterion reads (PostgreSQL): one
    jsonb `-`, which decompresses the object once (each `field -> key` would again: 13 times per site) and takes half
    the time of filtering `jsonb_each`. A key the catalogue lacks is left in, and read by no criterion."""
    unread = sorted(set(LABELS) - set(keys))
    return Func(
        F(field), Value(unread), arg_joiner=" - ", template="(%(expressions)s::text[])::text", output_field=TextField()
    )


def _picked_sqlite(field: str, keys: list[str]) -> Func:
    """The facts under `keys` as one JSON array (null for a key `field` lacks); one path more than the keys, so that
    a single key still gives an array."""
    paths = [Value(f'$."{key}"') for key in [*keys, ""]]  # the last gives null
    return Func(F(field), *paths, function="JSON_EXTRACT", output_field=TextField())


def _zipped(keys: list[str]):
    def decode(text):
        return {key: fact for key, fact in zip(keys, orjson.loads(text)[:-1], strict=True) if fact is not None}

    return decode


def _write_scores(method: QualificationMethod, rows, *, replacing) -> None:
    """The scores in place of `replacing` (every site of it is in `rows`, an iterable consumed once). On PostgreSQL
    one COPY after a delete (the whole pool well within the second a bulk INSERT of JSON rows cannot keep);
    elsewhere one executemany of an upsert (bulk_create's model instances and per-field preparation took two thirds
    of the scoring on SQLite; a delete then plain inserts took a third more than the upsert)."""
    connection = connections[SiteScore.objects.db]
    now = timezone.now()
    table, columns = SiteScore._meta.db_table, "method_id, site_id, score, reliability, points, computed_at"
    if connection.vendor != "postgresql":
        at = connection.ops.adapt_datetimefield_value(now)
        updates = ", ".join(f"{c} = excluded.{c}" for c in ("score", "reliability", "points", "computed_at"))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s) "
                f"ON CONFLICT (method_id, site_id) DO UPDATE SET {updates}",
                ((method.pk, i, s, r, orjson.dumps(p).decode(), at) for i, s, r, p in rows),
            )
        return
    replacing.delete()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for site_id, score, reliability, points in rows:
            copy.write_row((method.pk, site_id, score, reliability, orjson.dumps(points).decode(), now))


# --- Comparing two versions --------------------------------------------------------------------------------------


def compare(older: QualificationMethod, newer: QualificationMethod, *, limit: int = 20) -> dict:
    """Who gains and who loses from one version to the other: sites scored under both, by change of score."""
    before = dict(SiteScore.objects.filter(method=older).values_list("site_id", "score"))
    after = dict(SiteScore.objects.filter(method=newer).values_list("site_id", "score"))
    deltas = sorted(((after[s] - before[s], s) for s in before.keys() & after.keys()), key=lambda d: (d[0], d[1]))
    wanted = [s for _, s in deltas[:limit]] + [s for _, s in deltas[-limit:]]
    sites = {
        pk: (identifier, name)
        for pk, identifier, name in Site.objects.filter(pk__in=wanted).values_list("pk", "identifier", "name")
    }

    def line(delta, site_id):
        return {
            "identifier": sites[site_id][0],
            "name": sites[site_id][1],
            "before": before[site_id],
            "after": after[site_id],
            "delta": round(delta, 2),
        }

    return {
        "compared": len(deltas),
        "gainers": [line(d, s) for d, s in reversed(deltas[-limit:]) if d > 0],
        "losers": [line(d, s) for d, s in deltas[:limit] if d < 0],
        "unchanged": sum(1 for d, _ in deltas if d == 0),
    }
