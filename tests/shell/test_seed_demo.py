"""The demo: only in demo mode, idempotent, territory teams on real phase-2 territories, listed on the login page."""

import pytest
from django.core.management import CommandError, call_command

from pilote.core import registry
from pilote.core.enums import Role
from pilote.core.models import Organisation, RoleAssignment, User
from pilote.shell import demo

USERNAMES = {a.username for a in demo.ACCOUNTS}


@pytest.fixture
def demo_mode(settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr(registry, "demo_seeds", list)  # the apps' own demo seeds are tested by their apps


def _seed() -> str:
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_refuses_without_demo_mode(mini_world, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="PILOTE_DEMO=1"):
        call_command("seed_demo")
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_seed_demo_creates_one_account_per_role_with_password_demo(mini_world, demo_mode, client):
    _seed()
    assert set(User.objects.values_list("username", flat=True)) == USERNAMES
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(name.endswith("(démo)") for name in Organisation.objects.values_list("name", flat=True))
    assert client.post("/connexion/", {"username": "demo-sgar", "password": "demo"}).url == "/espace/"


def test_territory_teams_are_pinned_to_real_phase_2_territories(mini_world, demo_mode):
    _seed()
    team = RoleAssignment.objects.get(user__username="demo-equipe")
    other = RoleAssignment.objects.get(user__username="demo-equipe-autre")
    assert (team.phase_slug, team.territory_code) == ("2023-2027", "ti-8401")
    assert (other.phase_slug, other.territory_code) == ("2023-2027", "ti-2701")
    # Their organisation is the first intercommunality of the perimeter, named as in the default edition.
    assert User.objects.get(username="demo-equipe").organisation.name == "CC Alpha (démo)"


def test_seed_demo_is_idempotent(mini_world, demo_mode):
    first = _seed()
    counts = (User.objects.count(), Organisation.objects.count(), RoleAssignment.objects.count())
    second = _seed()
    assert "0 ligne(s) écrite(s)" not in first
    assert "0 ligne(s) écrite(s)" in second
    assert (User.objects.count(), Organisation.objects.count(), RoleAssignment.objects.count()) == counts


def test_seed_demo_calls_the_seeds_of_the_registry_after_the_accounts(mini_world, demo_mode, monkeypatch):
    calls = []

    def seed(*, log):
        calls.append(User.objects.filter(username__startswith="demo-").count())
        log("graine de test")

    monkeypatch.setattr(registry, "demo_seeds", lambda: [seed])
    out = _seed()
    assert calls == [len(USERNAMES)]  # called once, after the accounts exist
    assert "graine de test" in out  # with the command's output as `log`


def test_seed_demo_needs_the_territories(db, demo_mode):
    with pytest.raises(CommandError, match="lancez bootstrap"):
        call_command("seed_demo")


def test_bootstrap_seeds_the_demo_only_in_demo_mode(settings, monkeypatch):
    from pilote.shell.management.commands import bootstrap

    called = []
    monkeypatch.setattr(bootstrap, "call_command", lambda name, **kw: called.append(name))
    settings.DEMO_MODE = False
    call_command("bootstrap")
    assert "seed_demo" not in called
    assert called[-6:] == [
        "resolve_perimeters",
        "import_indicators",
        "compute_targeting",
        "derive_epci_contours",
        "import_sites",
        "score_sites",
    ]
    settings.DEMO_MODE = True
    call_command("bootstrap")
    assert called[-1] == "seed_demo"


def test_login_page_lists_demo_accounts_in_demo_mode_only(mini_world, demo_mode, client, settings):
    _seed()
    html = client.get("/connexion/").content.decode()
    assert '<h2 id="demo-title" class="fr-callout__title">Démonstration</h2>' in html
    assert "<code>demo-prefecture</code>" in html
    assert "département 01" in html and "territoire ti-8401 (phase 2023-2027)" in html
    assert html.count("<code>demo-") == len(USERNAMES)
    settings.DEMO_MODE = False
    html = client.get("/connexion/").content.decode()
    assert "Démonstration" not in html and "demo-prefecture" not in html


def test_login_page_query_count_is_constant_in_demo_mode(mini_world, demo_mode, client, django_assert_max_num_queries):
    _seed()
    with django_assert_max_num_queries(4):  # eight accounts, their roles and organisations: still four queries
        response = client.get("/connexion/")
    assert response.status_code == 200
    assert response.content.decode().count("<code>demo-") == len(USERNAMES)  # every account listed in those queries
