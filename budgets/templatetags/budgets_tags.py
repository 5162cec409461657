from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def soles(value):
    """An amount in soles as "S/ 1,234,567.00" (the format used on Peruvian budgets)."""
    try:
        amount = Decimal(value)
    except (TypeError, ValueError, InvalidOperation):
        return ""
    return f"S/ {amount:,.2f}"


@register.filter
def plain_amount(value):
    """A machine-readable amount for data- attributes ("1234.50")."""
    try:
        return f"{Decimal(value):.2f}"
    except (TypeError, ValueError, InvalidOperation):
        return "0.00"
