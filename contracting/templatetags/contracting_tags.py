from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def amount(value):
    """An amount in the city profile's number format ("1,234,567.00" in Lima, as on
    Peruvian procurement notices; "1.234.567,00" in La Paz), "—" if none."""
    from openlima import city

    if value is None or value == "":
        return "—"
    try:
        return city.format_amount(Decimal(value))
    except (TypeError, ValueError, InvalidOperation):
        return "—"
