"""/api/docs: Swagger UI from npm, served by the app (no CDN): it works offline and within the CSP, and lists every
operation of the schema, described in French."""

from urllib.parse import urlsplit

import pytest

from ..browser.support import launch_browser


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


def operations(schema: dict) -> list[dict]:
    return [op for methods in schema["paths"].values() for op in methods.values()]


def test_docs_page_loads_swagger_ui_from_the_site_itself(client, db):
    html = client.get("/api/docs").content.decode()
    assert '<html lang="fr">' in html
    assert '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>' in html
    assert '<script type="module" src="/static/api/docs.js"></script>' in html
    assert "cdn" not in html and "https://" not in html
    assert '"url": "/api/openapi.json"' in html


def test_every_operation_has_a_french_summary_a_description_and_a_tag(client, db):
    schema = client.get("/api/openapi.json").json()
    for op in operations(schema):
        assert op.get("summary") and op.get("description") and op.get("tags"), op["operationId"]
    assert {t for op in operations(schema) for t in op["tags"]} == {
        "géographie",
        "territoires",
        "budget",
        "ciblage",
        "sites",
    }


@pytest.mark.browser
def test_docs_render_every_operation_offline(browser, live_server, db, client):
    count = len(operations(client.get("/api/openapi.json").json()))
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    hosts, problems = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(live_server.url + "/api/docs")
        page.locator(".opblock").first.wait_for(timeout=30_000)
        assert page.locator(".opblock").count() == count
        assert page.locator(".opblock-tag").all_inner_texts() == [
            "géographie",
            "territoires",
            "budget",
            "ciblage",
            "sites",
        ]
        assert hosts <= {"localhost", "127.0.0.1"}, hosts
        assert problems == []
    finally:
        context.close()
