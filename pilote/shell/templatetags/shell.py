from urllib.parse import urlsplit

from django import template
from django.urls import reverse

from pilote.core import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_items(context) -> list[registry.MenuItem]:
    """`{% menu_items as items %}`: the main-menu items the apps declare (pilote.core.registry) that the signed-in
    person may open; base.html loads no feature app's tags."""
    request = context.get("request")
    if request is None:
        return []
    return [item for item in registry.menu_items() if item.is_visible_to(request.user)]


@register.simple_tag(takes_context=True)
def todo_items(context) -> dict:
    """`{% todo_items as todo %}`: what the apps say waits for the signed-in person (registry `inbox_counts`), as
    `{"items": [Todo…] (non-zero ones), "total": n, "url": where the header's « À traiter » leads}`; computed once per
    request (header and « Mon espace »). The header leads to the page of the items when they share one, else to
    « Mon espace », which lists them all (a person with opinions on files and on sites is not sent to one of them)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"items": [], "total": 0, "url": ""}
    if not hasattr(request, "_todo_items"):
        items = [item for count in registry.inbox_counts() for item in count(request.user) if item.count]
        pages = {urlsplit(item.url).path for item in items}
        url = items[0].url if len(pages) == 1 else reverse("core:espace") + "#todo"
        request._todo_items = {"items": items, "total": sum(item.count for item in items), "url": url}
    return request._todo_items
