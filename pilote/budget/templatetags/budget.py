from django import template

from pilote.budget.money import euros, percent
from pilote.budget.perms import can_steer, can_view_budget
from pilote.core.subnav import subnav

register = template.Library()


@register.filter(name="euros")
def euros_filter(amount):
    """`{{ amount|euros }}` → « 1 234 567 € »."""
    return euros(amount)


@register.filter(name="euros_cents")
def euros_cents_filter(amount):
    return euros(amount, cents=True)


@register.filter(name="percent")
def percent_filter(value):
    return percent(value)


@register.simple_tag(takes_context=True)
def budget_viewer(context) -> bool:
    """`{% budget_viewer as show_budget %}`: may the signed-in person open the budget pages?"""

    request = context.get("request")
    return bool(request is not None and can_view_budget(request.user))


# The budget sub-navigation: (label, URL name, the URL names of its section, who may open it).
ENVELOPES = ("years", "year", "envelope", "envelope_delegate", "envelope_edit")
COMMITMENTS = ("commitments", "commitment", "commitment_create", "commitment_edit", "payment_create")
SCENARIOS = ("scenarios", "scenario", "scenario_create", "scenario_edit", "scenario_compare", "scenario_apply")
BUDGET_SECTIONS = (
    ("Tableau de bord", "budget:dashboard", ("dashboard",), can_view_budget),
    ("Enveloppes", "budget:years", ENVELOPES, can_view_budget),
    ("Engagements", "budget:commitments", COMMITMENTS, can_view_budget),
    ("Scénarios", "budget:scenarios", SCENARIOS, can_steer),
    ("Rebond industriel", "budget:shocks", ("shocks",), can_view_budget),
    ("Paramètres", "budget:parameters", ("parameters",), can_view_budget),
)


@register.inclusion_tag("components/_subnav.html", takes_context=True)
def budget_nav(context) -> dict:
    """The links of the budget pages the signed-in person may open, the current section marked."""
    return subnav(context["request"], "Budget du programme", BUDGET_SECTIONS)
