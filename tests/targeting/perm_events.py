"""Permission-matrix entries of the declared industrial events (targeting) and of the Rebond industriel designation
made from them or from an alert (budget), merged into tests/permissions.py EXPECTATIONS.

Events: the préfectures (départemental reviewers), the regional reviewers and ANCT; 403 for teams and operators, the
login page for visitors. An event of commune 01002 (Ain, région 84) is seen by ANCT, region_84 and departement_01;
region_27 gets 404. Designations: ANCT only (the budget's viewers get 403)."""

from tests.permissions import BUILT, LOGIN, NATIONAL, REVIEWERS, Rule, only

IN_SCOPE = NATIONAL | {"region_84", "departement_01"}


def ain_event():
    if "event" not in BUILT:
        from pilote.core.models import User
        from tests.targeting.shocks import event

        BUILT["event"] = event(commune="01002", company="Usine de l'Ain", by=User.objects.get(username="national"))
    return BUILT["event"]


def an_alert():
    if "alert" not in BUILT:
        from tests.targeting.shocks import alert

        BUILT["alert"] = alert()
    return BUILT["alert"]


def _event(territory) -> dict:
    return {"pk": ain_event().pk}


def _alert(territory) -> dict:
    return {"pk": an_alert().pk}


def _event_answer(role: str, code, ok=200):
    if role == "anonymous":
        return LOGIN
    if role not in REVIEWERS:
        return 403
    return ok if role in IN_SCOPE else 404


def _empty_post(allowed: frozenset):
    return lambda role, code: LOGIN if role == "anonymous" else (400 if role in allowed else 403)


EXPECTATIONS: dict = {
    "targeting:events": only(REVIEWERS, setup=ain_event, contains=lambda role, code: _seen(role)),
    "targeting:event_create": only(REVIEWERS, post=_empty_post(REVIEWERS)),
    "targeting:event": Rule(_event_answer, _event, contains="Usine de l&#x27;Ain"),
    "targeting:event_edit": Rule(_event_answer, _event, post=lambda role, code: _event_answer(role, code, ok=400)),
    "budget:designation_from_alert": only(NATIONAL, _alert, post=_empty_post(NATIONAL), contains="Alerte :"),
    "targeting:alert_follow_up": only(NATIONAL, _alert, post=_empty_post(NATIONAL), contains="Écarter l'alerte"),
    # Without ?e=…: the page says to choose events (400) — tests/budget/test_designation_from_evidence.py has them.
    "budget:designation_from_events": Rule(
        lambda role, code: LOGIN if role == "anonymous" else (400 if role in NATIONAL else 403),
        post=_empty_post(NATIONAL),
    ),
}


def _seen(role: str) -> str:
    # region_27 sees the list, without the Ain's event: the "excludes" side is in tests/targeting/test_events.py.
    return "Usine de l&#x27;Ain" if role in IN_SCOPE else "Aucun événement déclaré"
