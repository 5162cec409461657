from decimal import Decimal, InvalidOperation

from django import template

from openlima.city import format_money

register = template.Library()


@register.filter
def soles(value):
    """An amount in the city profile's currency and number format (docs/city-profile.md):
    "S/ 1,234,567.00" in Lima, "Bs 1.234.567,00" in La Paz. (Named after Lima's soles.)"""
    try:
        amount = Decimal(value)
    except (TypeError, ValueError, InvalidOperation):
        return ""
    if not amount.is_finite():
        return ""
    return format_money(amount)


register.filter("money", soles)


@register.filter
def plain_amount(value):
    """A machine-readable amount for data- attributes ("1234.50")."""
    try:
        return f"{Decimal(value):.2f}"
    except (TypeError, ValueError, InvalidOperation):
        return "0.00"
