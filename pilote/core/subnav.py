"""The links row of an app's pages (`components/_subnav.html`): one entry per section the person may open, the
current section highlighted and the current page marked `aria-current`."""

from collections.abc import Callable, Iterable

from django.urls import reverse

# (label, URL name "namespace:name", the URL names of the section's pages, the permission function `(user) -> bool`)
Section = tuple[str, str, Iterable[str], Callable]


def subnav(request, label: str, sections: Iterable[Section]) -> dict:
    """The context of `components/_subnav.html` for `request`'s person and page."""
    current = request.resolver_match.url_name
    links = [
        {"label": text, "url": reverse(name), "in_section": current in pages, "is_page": name.endswith(f":{current}")}
        for text, name, pages, allowed in sections
        if allowed(request.user)
    ]
    return {"label": label, "links": links}
