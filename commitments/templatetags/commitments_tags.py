import datetime

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import MilestoneStatus

register = template.Library()

FIELD_LABELS = {
    "code": _("Código"),
    "title": _("Título"),
    "description": _("Descripción"),
    "start_on": _("Inicio"),
    "due_on": _("Vencimiento"),
    "status": _("Estado"),
    "progress": _("Avance"),
    "completed_on": _("Completado el"),
    "weight": _("Peso"),
    "delay_reason": _("Motivo del retraso"),
}


@register.filter
def change_label(field):
    return FIELD_LABELS.get(field, field)


@register.filter
def change_value(value, field):
    if value in (None, ""):
        return "—"
    if field == "status":
        return dict(MilestoneStatus.choices).get(value, value)
    if field == "progress":
        return f"{value} %"
    if field in ("start_on", "due_on", "completed_on"):
        try:
            return date_format(datetime.date.fromisoformat(value), "d/m/Y")
        except (TypeError, ValueError):
            return value
    return value
