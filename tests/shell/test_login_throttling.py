"""Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords the site's form and the admin refuse
to sign anyone in for that username, in French, even with the right password; the lockout is kept in the database.
"""

import pytest
from axes.models import AccessAttempt

from tests.core.factories import UserFactory

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def person(db):
    return UserFactory(username="camille")


@pytest.fixture
def staff(db):
    return UserFactory(username="anct.admin", is_staff=True, is_superuser=True)


def fail(client, url: str, username: str, times: int):
    return [client.post(url, {"username": username, "password": "faux"}) for _ in range(times)]


def test_site_login_is_locked_after_the_failure_limit_with_a_french_page(client, person, settings):
    answers = fail(client, "/connexion/", "camille", settings.AXES_FAILURE_LIMIT)
    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = client.post("/connexion/", {"username": "camille", "password": PASSWORD})
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "<h1>Connexion bloquée</h1>" in html
    assert f"Trop de tentatives de connexion ont échoué ({settings.AXES_FAILURE_LIMIT})" in html
    assert "pendant 15 minutes" in html
    assert "_auth_user_id" not in client.session  # the right password does not get through a lockout
    attempt = AccessAttempt.objects.get(username="camille")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_failures_below_the_limit_do_not_lock_and_success_resets_them(client, person, settings):
    fail(client, "/connexion/", "camille", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post("/connexion/", {"username": "camille", "password": PASSWORD})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="camille").exists()


def test_a_lockout_concerns_one_username_only(client, person, settings):
    UserFactory(username="dominique")
    fail(client, "/connexion/", "camille", settings.AXES_FAILURE_LIMIT)
    response = client.post("/connexion/", {"username": "dominique", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/espace/"


def test_admin_login_is_locked_after_the_failure_limit(client, staff, settings):
    fail(client, "/admin/login/", "anct.admin", settings.AXES_FAILURE_LIMIT)
    locked = client.post("/admin/login/?next=/admin/", {"username": "anct.admin", "password": PASSWORD})
    assert locked.status_code == 429
    assert "<h1>Connexion bloquée</h1>" in locked.content.decode()
    assert client.get("/admin/").status_code == 302  # still not signed in
    assert AccessAttempt.objects.get(username="anct.admin").failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_lockouts_are_listed_in_the_admin(client, admin_client, person, settings):
    fail(client, "/connexion/", "camille", settings.AXES_FAILURE_LIMIT)
    html = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "camille" in html
