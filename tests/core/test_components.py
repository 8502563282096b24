"""The shared partials and scripts of the pages (pilote/templates/components, pilote/<app>/static): the flash messages
rendered once by the page skeleton, data handed to scripts through `json_script` only, our own scripts as ES modules."""

import re

from django.conf import settings
from django.urls import reverse

from .factories import UserFactory

TEMPLATES = settings.BASE_DIR / "pilote" / "templates"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.DOTALL)


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


def test_no_template_writes_a_script_inline():
    """Data reaches scripts through `json_script` (escaped, and allowed by the CSP): every <script> tag has a src."""
    inline = [
        (name, tag) for name, text in _templates().items() for tag in SCRIPT_TAG.findall(text) if "src=" not in tag
    ]
    assert inline == []


def test_our_own_scripts_are_es_modules():
    classic = [
        (name, tag)
        for name, text in _templates().items()
        for tag in SCRIPT_TAG.findall(text)
        if "vendor/" not in tag and 'type="module"' not in tag
    ]
    assert classic == []


def test_a_partial_used_by_several_apps_lives_in_components():
    """An app's templates include their own partials, the shared ones (components/) and the DSFR's, nobody else's."""
    include = re.compile(r'{%\s*include\s+"([^"/]+)/')
    foreign = [
        (name, folder)
        for name, text in _templates().items()
        for folder in include.findall(text)
        if folder not in ("components", "dsfr", name.split("/")[0])
    ]
    assert foreign == []


def test_no_template_prints_a_year_with_a_thousands_separator():
    """USE_THOUSAND_SEPARATOR groups every integer a template prints: « Année 2 025 ». A year is printed through
    `|stringformat:"d"` (or `|date`), never bare."""
    bare_year = re.compile(r"{{\s*[\w.]*(?:year|years|annee|millesime|edition)\s*}}")
    bare = [(name, found) for name, text in _templates().items() for found in bare_year.findall(text)]
    assert bare == []
