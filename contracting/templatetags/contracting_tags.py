from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def amount(value):
    """An amount as "1,234,567.00" (as on Peruvian procurement notices), "—" if none."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (TypeError, ValueError, InvalidOperation):
        return "—"
