"""Messages on a file: whoever sees the file reads and writes them; the others are e-mailed; each person's read
position marks what is new to them; outsiders get 404; every message is in the history."""

import pytest
from django.core import mail
from django.urls import reverse

from pilote.campaigns.models import FileMessage, FileReadMark
from pilote.core.models import AuditEvent

from .conftest import fresh


def _post(client, person, file, body):
    client.force_login(person)
    return client.post(reverse("campaigns:file_message", args=[file.pk]), {"body": body})


def _page(client, person, file) -> str:
    client.force_login(person)
    return client.get(reverse("campaigns:file", args=[file.pk])).content.decode()


def test_the_team_writes_to_anct_who_is_e_mailed(client, file, people, committed):
    with committed():
        response = _post(client, people["team"], file, "  Pouvez-vous relire la fiche 3 ?\nMerci.  ")
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:file", args=[file.pk]) + "#messages"
    message = FileMessage.objects.get()
    assert (message.author, message.body) == (people["team"], "Pouvez-vous relire la fiche 3 ?\nMerci.")
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("[Pilote TI] Nouveau message : Ain industriel (ti-8401)", [people["anct"].email])
    ]
    assert "a écrit sur le dossier de Ain industriel (ti-8401)" in mail.outbox[0].body
    assert "Pouvez-vous relire la fiche 3 ?\nMerci." in mail.outbox[0].body
    assert f"/espace/campagnes/dossiers/{file.pk}/#messages" in mail.outbox[0].body
    event = AuditEvent.objects.get(action="message.post")
    assert (event.actor, event.territory_code) == (people["team"], "ti-8401")


def test_during_the_review_the_state_services_asked_follow_the_thread(client, file, people, committed):
    file.run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    mail.outbox.clear()
    with committed():
        _post(client, people["region84"], file, "Le comité de pilotage s'est-il réuni ?")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        people[name].email for name in ("anct", "team", "dep01", "dep39", "region27", "council84")
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Écrivez votre message avant de l&#x27;envoyer."),
        ("   \n ", "Écrivez votre message avant de l&#x27;envoyer."),
        ("x" * 5001, "Le message est trop long : 5000 caractères au plus (il en compte 5001)."),
    ],
)
def test_an_empty_or_too_long_message_is_refused_in_french(client, file, people, body, error, committed):
    with committed():
        response = _post(client, people["team"], file, body)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert FileMessage.objects.count() == 0 and mail.outbox == []
    assert not AuditEvent.objects.filter(action="message.post").exists()


@pytest.mark.parametrize("who", ["other_team", "nobody"])
def test_outsiders_neither_read_nor_post(client, file, people, who):
    FileMessage.post(file, author=people["team"], body="Confidentiel")
    assert _post(client, people[who], file, "Bonjour").status_code == 404
    assert client.get(reverse("campaigns:file", args=[file.pk])).status_code == 404
    assert FileMessage.objects.count() == 1


def test_unread_marks_follow_each_persons_reading(client, file, people):
    FileMessage.post(file, author=people["team"], body="Première question")
    FileMessage.post(file, author=people["team"], body="Deuxième question")
    client.force_login(people["anct"])
    listing = client.get(reverse("campaigns:list")).content.decode()
    assert "2 messages non lus" in listing
    page = _page(client, people["anct"], file)
    assert page.count(">Non lu</span>") == 2 and 'id="unread-count">2 non lus</span>' in page
    assert "Non lu</span>" not in _page(client, people["anct"], file)  # read now
    assert "non lu" not in client.get(reverse("campaigns:list")).content.decode()
    assert "Non lu</span>" not in _page(client, people["team"], file)  # one's own messages are never unread
    FileMessage.post(file, author=people["anct"], body="Réponse")
    team_page = _page(client, people["team"], file)
    assert team_page.count(">Non lu</span>") == 1 and 'id="unread-count">1 non lu</span>' in team_page
    reply = FileMessage.objects.get(body="Réponse")
    assert FileReadMark.of(file, people["team"]) == FileReadMark.of(file, people["anct"]) == reply.pk


def test_a_read_mark_never_moves_back(file, people):
    first = FileMessage.post(file, author=people["team"], body="Un")
    second = FileMessage.post(file, author=people["team"], body="Deux")
    FileReadMark.move(file, people["anct"], second.pk)
    FileReadMark.move(file, people["anct"], first.pk)
    assert FileReadMark.of(file, people["anct"]) == second.pk


def test_the_history_reads_the_message_in_french(client, file, people):
    FileMessage.post(file, author=people["team"], body="Voici la délibération du conseil.")
    client.force_login(people["anct"])
    page = client.get(reverse("campaigns:file_history", args=[file.pk])).content.decode()
    assert "Message envoyé" in page and "Voici la délibération du conseil." in page
    assert "message.post" not in page


def test_the_thread_does_not_add_queries_per_message(
    client, file, people, django_assert_num_queries, django_assert_max_num_queries
):
    FileMessage.post(file, author=people["team"], body="Un")
    url = reverse("campaigns:file", args=[file.pk])
    client.force_login(people["anct"])
    client.get(url)
    FileMessage.post(file, author=people["team"], body="Deux")
    client.get(url)  # the mark moves on this one: the next two pages are alike
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    queries = len(few.captured_queries)  # now: the next request empties Django's query log
    for n in range(10):
        FileMessage.post(file, author=people["dep01"] if n % 2 else people["team"], body=f"Message {n}")
    client.get(url)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["thread"]) == 12
