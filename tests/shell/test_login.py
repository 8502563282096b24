"""Sign-in and sign-out with a Django account: French pages, French errors, safe `next` redirects."""

import pytest
from django.urls import reverse

from tests.core.factories import UserFactory

PASSWORD = "motdepasse-de-test"
LOGIN = "/connexion/"


@pytest.fixture
def person(db):
    return UserFactory(username="camille")


def test_login_page_is_french_and_labelled(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        html = client.get(LOGIN).content.decode()
    assert "<h1>Connexion à Pilote TI</h1>" in html
    assert '<label class="fr-label" for="id_username">Identifiant</label>' in html
    assert '<label class="fr-label" for="id_password">Mot de passe</label>' in html
    assert "Se connecter avec ProConnect" not in html  # switched off by default
    assert "Démonstration" not in html  # demo accounts are listed in demo mode only


def test_right_password_signs_in_and_lands_on_mon_espace(client, person):
    response = client.post(LOGIN, {"username": "camille", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("core:espace")
    assert "_auth_user_id" in client.session


def test_next_is_followed_after_sign_in(client, person):
    response = client.post(
        LOGIN + "?next=/territoires/", {"username": "camille", "password": PASSWORD, "next": "/territoires/"}
    )
    assert response.url == "/territoires/"


def test_next_to_another_site_is_ignored(client, person):
    response = client.post(LOGIN, {"username": "camille", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("core:espace")


def test_wrong_password_redisplays_the_form_with_a_french_error(client, person):
    response = client.post(LOGIN, {"username": "camille", "password": "faux"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in html.replace("'", "’")
    assert 'value="camille"' in html  # what was typed stays
    assert "_auth_user_id" not in client.session


def test_empty_form_says_which_fields_are_required(client, db):
    html = client.post(LOGIN, {}).content.decode()
    assert html.count("Ce champ est obligatoire.") == 2
    assert 'aria-describedby="id_username-errors"' in html


def test_inactive_account_cannot_sign_in(client, person):
    person.is_active = False
    person.save()
    response = client.post(LOGIN, {"username": "camille", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_signed_in_person_visiting_login_goes_to_mon_espace(client, person):
    client.force_login(person)
    assert client.get(LOGIN).url == reverse("core:espace")


def test_header_offers_sign_in_to_visitors_and_mon_espace_to_people(client, person):
    assert 'href="/connexion/"' in client.get("/territoires/").content.decode()
    client.force_login(person)
    html = client.get("/territoires/").content.decode()
    assert ">Mon espace</a>" in html and ">Se déconnecter</a>" in html and 'href="/connexion/"' not in html


def test_logout_asks_for_confirmation_then_signs_out(client, person, django_assert_max_num_queries):
    client.force_login(person)
    # session, user, its roles (the menu shows « Budget » to those who follow the money), and the session's save
    with django_assert_max_num_queries(5):
        html = client.get("/deconnexion/").content.decode()
    assert "<h1>Déconnexion</h1>" in html and "camille" in html
    assert "_auth_user_id" in client.session  # a GET signs nobody out
    response = client.post("/deconnexion/", follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "_auth_user_id" not in client.session
    assert "Vous êtes déconnecté(e)." in response.content.decode()


def test_logout_of_a_visitor_sends_to_login(client, db):
    assert client.get("/deconnexion/").url == LOGIN
