from django import template

from pilote.budget.money import euros, percent
from pilote.budget.perms import can_view_budget

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
