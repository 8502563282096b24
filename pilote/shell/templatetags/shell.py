from django import template

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
