"""Permission-matrix entries of the targeting's pages (merged into tests/permissions.py EXPECTATIONS).

The diagnosis of public data is public: ranking, map, method, a territory's or an EPCI's diagnosis and their exports
answer everyone the same. Alerts are for ANCT and the State's reviewers, each on the régions of their scope (ti-8401's
alert is in région 84, CC Gamma's in 27; the Ain's reviewer sees région 84's); territory teams and operators get 403.
"""

from tests.permissions import BUILT, LOGIN, NATIONAL, TERRITORY, Rule, public

ALERT_VIEWERS = {"region_84": ["Ain industriel"], "region_27": ["CC Gamma"], "departement_01": ["Ain industriel"]}
ALERTS = ["Ain industriel", "CC Gamma"]


def scored_world():
    if "scoring" not in BUILT:
        from tests.targeting import scored

        BUILT["scoring"] = scoring = scored.scoring()
        scored.alerts(scoring)
    return BUILT["scoring"]


def _alerts_answer(role: str, code) -> object:
    if role == "anonymous":
        return LOGIN
    return 200 if role in NATIONAL or role in ALERT_VIEWERS else 403


def _alerts_shown(role: str, code) -> list[str]:
    return ALERTS if role in NATIONAL else ALERT_VIEWERS.get(role, [])


def _alerts_hidden(role: str, code) -> list[str]:
    return [name for name in ALERTS if name not in _alerts_shown(role, code)]


def alerts_rule(**options) -> Rule:
    return Rule(_alerts_answer, {}, setup=scored_world, **options)


EXPECTATIONS = {
    "targeting:ranking": public(setup=scored_world, contains=["Classement des territoires", "Ain industriel"]),
    "targeting:ranking_geojson": public(setup=scored_world, contains='"code":"ti-8401"'),
    "targeting:ranking_export": public({"fmt": "csv"}, setup=scored_world, contains="ti-2701;Nouveau Jura"),
    "targeting:epci": public({"siren": "200000001"}, setup=scored_world, contains=["CC Alpha", "Diagnostic"]),
    "targeting:epci_export": public({"siren": "200000001", "fmt": "xlsx"}, setup=scored_world),
    "targeting:territory_export": public(lambda t: {**TERRITORY(t), "fmt": "csv"}, setup=scored_world),
    "targeting:candidates": public(setup=scored_world, contains=["Candidats à rejoindre la carte", "no-candidate"]),
    "targeting:candidates_export": public({"fmt": "csv"}, setup=scored_world, contains="siren;EPCI;région"),
    "targeting:method": public(setup=scored_world, contains="Taux de chômage localisé"),
    "targeting:method_export": public({"fmt": "csv"}, setup=scored_world, contains="chomage;"),
    "targeting:comparison_export": public({"fmt": "xlsx"}),
    "targeting:alerts": alerts_rule(contains=_alerts_shown, excludes=_alerts_hidden),
    # --- the API (public data) ---
    "api-1:targeting_indicators": public(),
    "api-1:commune_values": public({"code": "01001"}),
    "api-1:epci_values": public({"siren": "200000001"}, setup=scored_world, contains='"200000001"'),
    "api-1:zone_values": public({"code": "8401"}, status=404),  # no zone in this world: tests/api/test_targeting.py
    "api-1:territory_values": public(TERRITORY, setup=scored_world),
    "api-1:method_scores": public({"slug": "indice-fragilite", "number": 1}, setup=scored_world),
    "api-1:targeting_candidates": public(setup=scored_world, contains='"phase": "2023-2027"'),
    "api-1:targeting_alerts": public(setup=scored_world, contains="ti-8401"),
    "targeting:alerts_export": Rule(_alerts_answer, {"fmt": "csv"}, setup=scored_world),
}
