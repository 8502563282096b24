"""The shared partials of the pages (pilote/templates/components): the flash messages rendered once by the page
skeleton."""

from django.conf import settings
from django.urls import reverse

from .factories import UserFactory

TEMPLATES = settings.BASE_DIR / "pilote" / "templates"


def _templates() -> dict[str, str]:
    return {str(path.relative_to(TEMPLATES)): path.read_text() for path in sorted(TEMPLATES.rglob("*.html"))}


def test_a_message_is_shown_once_inside_main(client, db):
    client.force_login(UserFactory())
    page = client.post(reverse("core:logout"), follow=True).content.decode()
    main = page.split('<main id="content" role="main">')[1].split("</main>")[0]
    assert page.count('id="messages"') == 1
    assert main.count("Vous êtes déconnecté(e).") == 1


def test_only_the_page_skeleton_renders_the_messages():
    including = [name for name, text in _templates().items() if "components/_messages.html" in text]
    assert including == ["layout.html"]
