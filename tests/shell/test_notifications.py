"""« Mes notifications »: each person sees the e-mails written to them, and only those, with whether they left."""

import pytest
from django.urls import reverse

from pilote.core.models import Notification
from tests.core.factories import UserFactory


def _row(user, subject, **fields):
    return Notification.objects.create(
        recipient=user,
        kind="test",
        subject=subject,
        text=f"Texte de {subject}",
        html="<p>x</p>",
        url="/espace/campagnes/",
        **fields,
    )


@pytest.mark.django_db
def test_a_person_sees_what_was_sent_to_them_and_its_state(client):
    me, other = UserFactory(), UserFactory()
    _row(me, "Dossier déposé : Ain industriel (ti-8401)", sent_at="2026-11-30T08:00:00Z")
    _row(me, "Avis demandé : Nouveau Jura (ti-2701)", error="pas d'adresse e-mail")
    _row(me, "Nouveau message : Ain industriel (ti-8401)")
    _row(other, "Avis rendu : Secret (ti-9999)")
    client.force_login(me)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "<h1>Mes notifications</h1>" in page
    assert page.index("Nouveau message") < page.index("Avis demandé") < page.index("Dossier déposé")  # newest first
    assert "Envoyée</span>" in page and "Non envoyée : pas d&#x27;adresse e-mail" in page
    assert "En attente d'envoi" in page and "Texte de Dossier déposé" in page
    assert "Secret" not in page


@pytest.mark.django_db
def test_nothing_yet_is_said(client):
    client.force_login(UserFactory())
    assert "Aucune notification pour l'instant." in client.get(reverse("core:notifications")).content.decode()


@pytest.mark.django_db
def test_mon_espace_links_to_it(client):
    client.force_login(UserFactory())
    assert reverse("core:notifications") in client.get(reverse("core:espace")).content.decode()


@pytest.mark.django_db
def test_the_page_queries_do_not_grow(client, django_assert_max_num_queries, django_assert_num_queries):
    me = UserFactory()
    _row(me, "Un")
    client.force_login(me)
    client.get(reverse("core:notifications"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("core:notifications"))
    queries = len(few.captured_queries)
    for n in range(60):
        _row(me, f"Notification {n}")
    with django_assert_num_queries(queries):
        response = client.get(reverse("core:notifications"))
    assert len(response.context["page"].object_list) == 50
    assert "Page suivante" in response.content.decode()
