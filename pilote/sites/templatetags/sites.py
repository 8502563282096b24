from django import template

from pilote.core.subnav import subnav

from .. import perms

register = template.Library()

# The sites sub-navigation: (label, URL name, the URL names of its section, who may open it). The public sections
# come first; each other one only for the people its permission function lets in.
SITES_SECTIONS = (
    ("Vivier", "sites:pool", ("pool", "site", "site_score"), perms.can_view_sites),
    ("Sites labellisés", "sites:labelled", ("labelled",), perms.can_view_sites),
    ("Proposer un site", "sites:propose", ("propose",), perms.can_propose_site),
    (
        "Sélections",
        "sites:selections",
        ("selections", "selection_new", "selection_compare", "selection"),
        perms.can_view_selections,
    ),
    ("Labellisation", "sites:label_dashboard", ("label_dashboard", "label_site"), perms.can_see_dashboard),
    ("Méthode de qualification", "sites:method", ("method", "method_edit"), perms.can_view_method),
)


@register.inclusion_tag("components/_subnav.html", takes_context=True)
def sites_nav(context) -> dict:
    """`{% sites_nav %}`: the sites pages the person may open, the current section marked."""
    return subnav(context["request"], "Sites industriels", SITES_SECTIONS)
