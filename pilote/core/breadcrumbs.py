"""The DSFR breadcrumb of a page, as django-dsfr's `breadcrumb_data` expects it."""


def crumbs(current: str, *links: tuple[str, str]) -> dict:
    """`crumbs("Page", (url, "Parent"), …)`: the links leading to the current page, then its title."""
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}
