"""Every URL of the site and of the API, requested by every role on territories inside and outside their scope.

The expectations are in tests/permissions.py (read its docstring to add a URL: one line). This module walks the
URL resolver from config.urls, fails when a pattern has no expectation, and compares each answer with the table,
reporting every mismatch of a URL at once.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilote.core.models import RoleAssignment, User
from pilote.territories.models import Territory

from . import permissions as p


def _walk(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from _walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or route, route


PATTERNS = dict(_walk(get_resolver()))  # key ("namespace:name", or the route of an unnamed pattern) → route


def _rule(key: str):
    if key in p.EXPECTATIONS:
        return p.EXPECTATIONS[key]
    return p.EXPECTATIONS["admin:*"] if key.startswith(("admin:", "admin/")) else None


def test_every_url_pattern_has_an_expectation():
    missing = sorted(key for key in PATTERNS if _rule(key) is None)
    assert not missing, (
        "These URL patterns have no entry in EXPECTATIONS of tests/permissions.py — add one line each "
        "(see the module docstring):\n  " + "\n  ".join(f"{key!r}  ({PATTERNS[key]})" for key in missing)
    )


def test_every_expectation_has_its_url_pattern():
    stale = sorted(key for key in p.EXPECTATIONS if key != "admin:*" and key not in PATTERNS)
    assert not stale, f"Entries of tests/permissions.py without a URL pattern (remove them): {stale}"


@pytest.fixture
def users_by_role(mini_world):
    users = {}
    for role, spec in p.ROLES.items():
        if spec is None:
            continue
        user = User.objects.create_user(
            username=role, password="x", is_superuser=role == "admin", is_staff=role == "admin"
        )
        if spec[0] != "superuser":
            RoleAssignment.objects.create(user=user, role=spec[0], **spec[1])
        users[role] = user
    p.BUILT.clear()
    yield users
    p.BUILT.clear()


def _concrete(route: str, kwargs: dict) -> str:
    """A path from a route (path or regex syntax) and values for its parameters."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


ADMIN_VALUES = {"object_id": "1", "id": "1", "content_type_id": "1", "app_label": "auth", "url": "inconnu/"}


def _url(key: str, rule, kwargs: dict) -> str:
    if rule.url:
        return rule.url
    if key.startswith("admin"):
        names = set(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", PATTERNS[key]))
        return _concrete(PATTERNS[key], {n: ADMIN_VALUES.get(n, "1") for pair in names for n in pair if n})
    return reverse(key, kwargs=kwargs)


def _mismatch(response, expected, contains: list[str], excludes: list[str] = ()) -> str:
    status, location = response.status_code, response.get("Location", "")
    if expected == p.LOGIN:
        ok = status == 302 and location.startswith("/connexion/?next=")
    elif expected == p.ADMIN_LOGIN:
        ok = status == 302 and location.startswith("/admin/login/")
    elif expected == p.ANY_ANSWER:
        ok = status < 500 and not location.startswith("/admin/login/")
    else:
        ok = status == expected
    if not ok:
        return f"got {status} {location}".strip() + f", expected {expected}"
    if status == 200 and (contains or excludes):
        body = response.content.decode(errors="replace")
        absent = [text for text in contains if text not in body]
        present = [text for text in excludes if text in body]
        if absent or present:
            return f"200 {'without ' + str(absent) if absent else ''} {'with ' + str(present) if present else ''}"
    return ""


def _texts(texts, role, code) -> list[str]:
    if not texts:
        return []
    found = texts(role, code) if callable(texts) else texts
    return [found] if isinstance(found, str) else list(found)


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_url_answers_each_role_as_expected(key, users_by_role, client):
    rule = _rule(key)
    if rule is None:
        pytest.fail(f"{key!r} has no entry in tests/permissions.py (see test_every_url_pattern_has_an_expectation)")
    if rule.setup:
        rule.setup()
    targets = [Territory.objects.select_related("phase").get(phase__slug=p.PHASE, code=c) for c in p.TARGETS]
    cases = [(t.code, rule.kwargs(t)) for t in targets] if rule.per_territory else [(None, rule.kwargs)]
    problems = []
    for code, kwargs in cases:
        url = _url(key, rule, kwargs)
        for role in p.ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users_by_role[role])
            expected = rule.expect(role, code)
            texts = _texts(rule.contains, role, code), _texts(rule.excludes, role, code)
            problem = _mismatch(client.get(url), expected, *texts)
            if problem:
                problems.append(f"{role:15} GET {url}: {problem}")
            expected_post = rule.post(role, code) if rule.post else None
            if expected_post is not None and (problem := _mismatch(client.post(url, {}), expected_post, [])):
                problems.append(f"{role:15} POST {url}: {problem}")
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)
