"""The permission matrix: what every role gets from every URL of the site and of the API.

`tests/test_permission_matrix.py` walks every URL pattern of `config.urls` (the API's ninja routes included) and
requests each one as every role of ROLES — on the team's own territory (ti-8401, phase 2023-2027) and on another
(ti-2701) when the URL names a territory or an object of one — then compares the answer with EXPECTATIONS below.
**A URL pattern without an entry fails the test**, and so does an entry whose pattern is gone.

Adding a URL is one line in EXPECTATIONS, keyed by the name given to `reverse()` ("namespace:name"):

    "plans:plan": scoped(TERRITORY),                          # 200 in scope, 404 outside, login for visitors
    "plans:governance_edit": team(TERRITORY),                 # team and ANCT 200, rest of the scope 403, others 404
    "campaigns:file": scoped(lambda t: {"pk": file_of(t).pk}),   # objects built once per test by the helpers below
    "campaigns:create": only(NATIONAL),                       # 403 for every other signed-in role
    "campaigns:file_reopen": post_only(FILE, may=NATIONAL, answer=400),  # GET 405; empty POST: 400 for ANCT,
                                                              # 403 for the rest of the scope, 404 outside
    "territories:list": public(contains="Ain industriel"),   # 200 for everyone, visitors included
    "core:login": by_role(302, anonymous=200),                # one answer per role, a default for the others

`kwargs` is a dict, or a function of the target Territory returning the URL's kwargs (it may build the objects it
needs); with a function the URL is requested once per target territory. `setup` builds what a page without kwargs
shows. Expected answers: a status, LOGIN (302 to the login page with ?next=) or ADMIN_LOGIN. `contains` (text, or a
function of (role, territory code)) must be in every 200 answer and `excludes` must not (a list shows nothing outside
the scope). `team()` and `post_only()` also send an empty POST (refused as invalid, so nothing is written;
`answer=None` skips the roles whose POST would act). A pattern without a name is keyed by its route and needs
`url=`; "admin:*" covers Django's admin. Who sees, edits and reviews each territory is written out in SEES / EDITS /
REVIEWS — never computed by the code under test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PHASE = "2023-2027"
TARGETS = ("ti-8401", "ti-2701")
LOGIN = "login"
ADMIN_LOGIN = "admin-login"
ANY_ANSWER = "any"  # staff in the admin: whatever the page, not a redirect to its login and not an error

# role → (Role value, scope) for RoleAssignment; "anonymous" signs in as nobody, "admin" is a superuser.
ROLES = {
    "anonymous": None,
    "national": ("national", {}),
    "region_84": ("region_reviewer", {"region_code": "84"}),
    "region_27": ("region_reviewer", {"region_code": "27"}),
    "departement_01": ("departement_reviewer", {"departement_code": "01"}),
    "team_8401": ("territory_team", {"phase_slug": PHASE, "territory_code": "ti-8401"}),
    "team_2701": ("territory_team", {"phase_slug": PHASE, "territory_code": "ti-2701"}),
    "operator": ("operator", {}),
    "admin": ("superuser", {}),
}
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
NATIONAL = frozenset({"national", "admin"})
REVIEWERS = NATIONAL | {"region_84", "region_27", "departement_01"}
# ti-8401 of phase 2 reaches into the Jura (régions 84 and 27, départements 01 and 39); ti-2701 is in the Jura.
SEES = {
    "ti-8401": NATIONAL | {"operator", "region_84", "region_27", "departement_01", "team_8401"},
    "ti-2701": NATIONAL | {"operator", "region_27", "team_2701"},
}
EDITS = {"ti-8401": NATIONAL | {"team_8401"}, "ti-2701": NATIONAL | {"team_2701"}}
REVIEWS = {"ti-8401": REVIEWERS, "ti-2701": NATIONAL | {"region_27"}}


@dataclass(frozen=True)
class Rule:
    expect: Callable[[str, str | None], object]  # (role, target territory code or None) → expected answer
    kwargs: dict | Callable = field(default_factory=dict)
    contains: str | Callable = ""
    url: str = ""
    # Answer to an empty POST, per role (None: not posted). Empty forms are refused, so nothing is written.
    post: Callable[[str, str | None], object] | None = None
    excludes: str | Callable = ""  # text that a 200 answer must not hold (what a list must not show to this role)
    setup: Callable[[], object] | None = None  # builds the objects a page without kwargs shows

    @property
    def per_territory(self) -> bool:
        return callable(self.kwargs)


def public(kwargs=None, status=200, **options) -> Rule:
    return Rule(lambda role, code: status, kwargs or {}, **options)


def by_role(default, kwargs=None, *, contains="", url="", **answers) -> Rule:
    """An answer per role (`national=403, anonymous=LOGIN…`), `default` for the others."""
    return Rule(lambda role, code: answers.get(role, default), kwargs or {}, contains, url)


def signed_in(kwargs=None, **options) -> Rule:
    return Rule(lambda role, code: LOGIN if role == "anonymous" else 200, kwargs or {}, **options)


def only(roles: frozenset, kwargs=None, denied=403, **options) -> Rule:
    return Rule(lambda role, code: _signed(role) or (200 if role in roles else denied), kwargs or {}, **options)


def scoped(kwargs, unseen=404, **options) -> Rule:
    """The working files of a territory: 200 for who sees it, `unseen` for the others."""
    return Rule(lambda role, code: _signed(role) or (200 if role in SEES[code] else unseen), kwargs, **options)


def team(kwargs, invalid=200, **options) -> Rule:
    """Changes made by the territory's team (and ANCT): 403 for the rest of its scope, 404 outside — on GET, and on
    an empty POST (the form comes back with its errors: `invalid`, 200 by default, for the team)."""
    expect = lambda role, code: _signed(role) or _team(role, code)  # noqa: E731

    def post(role, code):
        answer = expect(role, code)
        return invalid if answer == 200 else answer

    return Rule(expect, kwargs, **({"post": post} | options))


def review(kwargs, **options) -> Rule:
    """What the territory's reviewers (préfectures, régions) and ANCT do: 403 for the rest of its scope, 404 outside."""
    return Rule(lambda role, code: _signed(role) or _among(REVIEWS[code], role, code), kwargs, **options)


def post_only(kwargs=None, may: frozenset = frozenset(), answer=None) -> Rule:
    """An action: GET answers 405; an empty POST answers `answer` to the roles that `may` (None: not posted, as it
    would act), 403 to the rest of the territory's scope, 404 outside."""

    def post(role, code):
        if role in may:
            return answer
        return _signed(role) or (403 if role in SEES[code] else 404)

    return Rule(lambda role, code: _signed(role) or 405, kwargs or {"pk": 1}, post=post if callable(kwargs) else None)


def staff() -> Rule:
    return Rule(lambda role, code: ANY_ANSWER if role == "admin" else ADMIN_LOGIN)


def _signed(role: str):
    return LOGIN if role == "anonymous" else None


def _team(role: str, code: str) -> int:
    return _among(EDITS[code], role, code)


def _among(allowed: frozenset, role: str, code: str, allowed_answer: int = 200) -> int:
    if role in allowed:
        return allowed_answer
    return 403 if role in SEES[code] else 404


# --- objects of the other apps, built once per test (the matrix test clears BUILT) ---------------------------------
BUILT: dict = {}


def _territory_kwargs(territory) -> dict:
    return {"phase": territory.phase.slug, "code": territory.code}


TERRITORY = _territory_kwargs


def campaign():
    if "campaign" not in BUILT:
        import datetime

        from django.utils import timezone

        from pilote.campaigns.services import campaign_open
        from pilote.core.models import User
        from pilote.territories.models import Phase, Territory

        today = timezone.localdate()
        BUILT["campaign"] = campaign_open(
            name="Campagne de la matrice",
            phase=Phase.objects.get(slug=PHASE),
            territories=list(Territory.objects.filter(phase__slug=PHASE, code__in=TARGETS)),
            submission_deadline=today + datetime.timedelta(days=10),
            opinion_deadline=today + datetime.timedelta(days=20),
            actor=User.objects.get(username="national"),
        )
    return BUILT["campaign"]


def file_of(territory):
    return campaign().files.get(territory=territory)


def FILE(territory) -> dict:  # noqa: N802 — used like TERRITORY
    return {"pk": file_of(territory).pk}


def fiche_of(territory):
    key = ("fiche", territory.pk)
    if key not in BUILT:
        from tests.plans.factories import FicheFactory

        BUILT[key] = FicheFactory(territory=territory)
    return BUILT[key]


def _stored_pdf(model, **owner):
    from django.core.files.base import ContentFile

    from pilote.core.models import User

    attachment = model(
        kind="deliberation",
        title="Délibération de la matrice",
        name="deliberation.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=User.objects.get(username="national"),
        **owner,
    )
    attachment.blob.save("matrice.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


def file_attachment_of(territory) -> dict:
    key = ("file_attachment", territory.pk)
    if key not in BUILT:
        from pilote.campaigns.models import FileAttachment

        BUILT[key] = _stored_pdf(FileAttachment, file=file_of(territory))
    return {**FILE(territory), "attachment": BUILT[key].pk}


def fiche_attachment_of(territory) -> dict:
    key = ("fiche_attachment", territory.pk)
    if key not in BUILT:
        from pilote.plans.models import FicheAttachment

        BUILT[key] = _stored_pdf(FicheAttachment, fiche=fiche_of(territory))
    return {**TERRITORY(territory), "pk": fiche_of(territory).pk, "attachment": BUILT[key].pk}


def action(kwargs, allowed: Callable[[str], frozenset], answer=None) -> Rule:
    """A POST-only action on a territory's object: GET 405; an empty POST answers `answer` to the roles `allowed`
    (None: not posted, as it would act), 403 to the rest of the territory's scope, 404 outside."""
    return Rule(
        lambda role, code: _signed(role) or 405,
        kwargs,
        post=lambda role, code: _signed(role) or (answer if role in allowed(code) else _among(frozenset(), role, code)),
    )


NAMES = {"ti-8401": "Ain industriel", "ti-2701": "Nouveau Jura"}


def _espace_shows(role: str, code) -> list[str]:
    return ["<h1>Mon espace</h1>"] + [f">{name}</a>" for c, name in NAMES.items() if role in SEES[c]]


def _espace_hides(role: str, code) -> list[str]:
    return [f">{name}</a>" for c, name in NAMES.items() if role not in SEES[c]]


def _name(role: str, code: str) -> str:
    return NAMES[code]


def _names_seen(role: str, code) -> list[str]:
    return [f"{name} ({c})" for c, name in NAMES.items() if role in SEES[c]]


def _names_unseen(role: str, code) -> list[str]:
    return [f"{name} ({c})" for c, name in NAMES.items() if role not in SEES[c]]


def _in_scope_403(role: str, code: str):
    return _signed(role) or (403 if role in SEES[code] else 404)


API_EDITION = {"edition": "2026"}
EXPECTATIONS: dict[str, Rule] = {
    # --- people (core) ---
    "core:login": by_role(302, anonymous=200, contains="Connexion à Pilote TI"),  # signed in: on to Mon espace
    "core:logout": by_role(200, anonymous=302, contains="<h1>Déconnexion</h1>"),  # GET confirms, POST signs out
    "core:espace": signed_in(contains=_espace_shows, excludes=_espace_hides),
    "core:notifications": signed_in(contains="<h1>Mes notifications</h1>"),  # tests/shell/test_notifications.py
    "core:proconnect_login": public(status=404),  # ProConnect is off unless configured (tests/shell/test_proconnect.py)
    "core:proconnect_callback": public(status=404),
    "core:personal_data": public(contains="<h1>Données personnelles</h1>"),  # tests/shell/test_personal_data.py
    "core:health": public(contains='"status": "ok"'),  # for load balancers (tests/shell/test_health.py)
    # --- public pages of the map (issue 2): the same for everyone ---
    "territories:home": public(contains="Carte nationale"),
    "territories:phase_geojson": public({"phase": PHASE}),
    "territories:search": public(),
    "territories:list": public(contains="Ain industriel"),
    "territories:detail": public(TERRITORY),
    "territories:sheet": public(TERRITORY),  # the « Fiche territoire » PDF (tests/territories/test_sheet.py)
    "territories:epci": public({"siren": "200000001"}, contains="CC Alpha"),
    "territories:commune": public({"code": "01001"}, contains="Alpha-sur-Ain"),
    "territories:compare": public(),
    "territories:compare_csv": public(),
    # --- the API (public) ---
    "api-home": public(),
    "api-1:api-root": public(),  # shadowed by api-home at the same path
    "api-1:openapi-json": public(),
    "api-1:openapi-view": public(),
    "api-1:editions": public(),
    "api-1:commune": public({**API_EDITION, "code": "01001"}),
    "api-1:epci": public({**API_EDITION, "siren": "200000001"}),
    "api-1:project_perimeter": public(status=405),  # POST only (tests/api)
    "api-1:phases": public(),
    "api-1:compare": public(),
    "api-1:phase_detail": public({"phase": PHASE}),
    "api-1:territories": public({"phase": PHASE}),
    "api-1:territories_geojson": public({"phase": PHASE}),
    "api-1:territory": public(TERRITORY),
    "api/^(?P<path>.*)$": public(url="/api/inconnu", status=404),
    # --- action plans and governance (plans) ---
    "plans:plan": scoped(TERRITORY, contains=_name),
    "plans:fiche": scoped(lambda t: {**TERRITORY(t), "pk": fiche_of(t).pk}, contains=_name),
    "plans:fiche_create": team(TERRITORY),
    "plans:fiche_edit": team(lambda t: {**TERRITORY(t), "pk": fiche_of(t).pk}),
    "plans:export_xlsx": scoped(TERRITORY),
    "plans:export_csv": scoped(TERRITORY),
    "plans:import": team(TERRITORY, invalid=400),  # no workbook: 400 with the reason
    "plans:governance": scoped(TERRITORY, contains=_name),
    "plans:governance_edit": team(TERRITORY),
    "plans:project_lead": team(TERRITORY),
    "plans:project_lead_change": team(TERRITORY),
    # Attachments of a fiche: the team (and ANCT) add and remove them, whoever sees the plan downloads them
    # (tests/plans/test_fiche_attachments.py); an empty upload is refused (400).
    "plans:fiche_attachment_add": action(
        lambda t: {**TERRITORY(t), "pk": fiche_of(t).pk}, lambda code: EDITS[code], answer=400
    ),
    "plans:fiche_attachment": scoped(fiche_attachment_of),
    "plans:fiche_attachment_remove": action(fiche_attachment_of, lambda code: EDITS[code]),
    # --- targeting ---
    "targeting:method_edit": only(NATIONAL, contains="Nouvelle version de l'indice de fragilité"),
    # --- campaigns ---
    "campaigns:list": signed_in(setup=campaign, contains=_names_seen, excludes=_names_unseen),
    "campaigns:create": only(NATIONAL),
    "campaigns:dashboard": only(
        REVIEWERS, lambda t: {"pk": campaign().pk}, contains=_names_seen, excludes=_names_unseen
    ),
    "campaigns:export_csv": only(REVIEWERS, lambda t: {"pk": campaign().pk}),
    "campaigns:export_xlsx": only(REVIEWERS, lambda t: {"pk": campaign().pk}),
    "campaigns:file": scoped(lambda t: {"pk": file_of(t).pk}, contains=_name),
    "campaigns:file_history": scoped(lambda t: {"pk": file_of(t).pk}),
    "campaigns:file_perimeter": scoped(lambda t: {"pk": file_of(t).pk}),
    # The perimeter request's place search and clickable communes (tests/campaigns/test_perimeter_editor.py).
    "campaigns:file_perimeter_places": scoped(FILE),
    "campaigns:file_perimeter_communes": scoped(FILE),
    # No perimeter change is proposed in the matrix's campaign: 404 for all (tests/campaigns/test_perimeter.py).
    "campaigns:file_perimeter_geojson": only(frozenset(), lambda t: {"pk": file_of(t).pk}, denied=404),
    # Nothing to print on the matrix's draft files: 404 for all (who sees a submitted or validated file gets the PDF,
    # outsiders 404: tests/campaigns/test_pdfs.py).
    "campaigns:file_receipt_pdf": only(frozenset(), FILE, denied=404),
    "campaigns:file_record_pdf": only(frozenset(), FILE, denied=404),
    "campaigns:file_reopen": post_only(FILE, may=NATIONAL, answer=400),  # empty form: re-displayed, nothing written
    "campaigns:opinion_ask": post_only(FILE),  # nobody asks an opinion on a draft, ANCT included
    "campaigns:file_transition": post_only(
        lambda t: {**FILE(t), "name": "submit"}, may=EDITS["ti-8401"] | EDITS["ti-2701"]
    ),
    # The recap before « Déposer »: the territory's own team only (ANCT does not submit); an empty POST is refused
    # (the confirmation box is required) and re-displays the recap.
    "campaigns:file_submit": Rule(
        lambda role, code: _signed(role) or _among(EDITS[code] - NATIONAL, role, code),
        FILE,
        post=lambda role, code: _signed(role) or _among(EDITS[code] - NATIONAL, role, code, allowed_answer=400),
    ),
    # A message on a file: whoever sees the file posts; an empty one is refused (400) and nothing is written.
    "campaigns:file_message": Rule(
        lambda role, code: _signed(role) or 405,
        FILE,
        post=lambda role, code: _signed(role) or (400 if role in SEES[code] else 404),
    ),
    # Attachments of a draft file: its own team adds and removes them (ANCT and reviewers during the review only,
    # tests/campaigns/test_attachments.py); whoever sees the file downloads them, outsiders get 404.
    "campaigns:file_attachment_add": action(FILE, lambda code: EDITS[code] - NATIONAL, answer=400),
    "campaigns:file_attachment": scoped(file_attachment_of),
    "campaigns:file_attachment_remove": action(file_attachment_of, lambda code: EDITS[code] - NATIONAL),
    # ANCT's decisions, each behind its confirmation page: only during the review, so 403 to the whole scope on the
    # matrix's draft files, ANCT included (tests/campaigns/test_decide.py); 404 outside.
    "campaigns:file_validate": Rule(_in_scope_403, FILE, post=_in_scope_403),
    "campaigns:file_send_back": Rule(_in_scope_403, FILE, post=_in_scope_403),
    "campaigns:opinion_give": post_only(),  # no opinion is asked in this world: see tests/campaigns/test_opinions.py
    "campaigns:opinion_extend": post_only(),  # the same: ANCT only, see tests/campaigns/test_opinions.py
    # --- Django's admin: staff only ---
    "admin:login": by_role(200, admin=302),
    "admin:logout": by_role(302, admin=405),  # POST only for staff; others are sent back to the admin
    "admin:*": staff(),  # every other admin URL, named or not
}

# --- the budget: one file of entries per part of the app -------------------------------------------------------------
from tests.budget import perm_envelopes, perm_follow, perm_scenarios  # noqa: E402

EXPECTATIONS |= perm_envelopes.EXPECTATIONS | perm_scenarios.EXPECTATIONS | perm_follow.EXPECTATIONS

# --- targeting: declared events, and the designations made from them (budget) ----------------------------------------
from tests.targeting import perm_events  # noqa: E402

EXPECTATIONS |= perm_events.EXPECTATIONS

from tests.targeting import perm_pages  # noqa: E402

EXPECTATIONS |= perm_pages.EXPECTATIONS

# --- sites (issue 11): the public pages and the API ---------------------------------------------------------------
from tests.sites import perm_public  # noqa: E402

EXPECTATIONS |= perm_public.EXPECTATIONS

# --- sites: the selections of 50 sites (sselect) ---------------------------------------------------------------------
from tests.sites import perm_select  # noqa: E402

EXPECTATIONS |= perm_select.EXPECTATIONS

# --- sites: labelling and proposals (issue 11, slabel) ---------------------------------------------------------------
from tests.sites import perm_label  # noqa: E402

EXPECTATIONS |= perm_label.EXPECTATIONS

# --- sites (issue 11) ---
from tests.sites import perm_sscore  # noqa: E402

EXPECTATIONS |= perm_sscore.EXPECTATIONS

# --- sites: « À traiter » of the sites (sglue) ---
from tests.sites import perm_glue  # noqa: E402

EXPECTATIONS |= perm_glue.EXPECTATIONS
