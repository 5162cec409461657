"""Choices shared by plans, commitments and milestones."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanLevel(models.TextChoices):
    LOCAL = "local", _("Local")
    NATIONAL = "national", _("Nacional")


class PlanStatus(models.TextChoices):
    CO_CREATION = "co_creation", _("Cocreación")
    PUBLIC_CONSULTATION = "public_consultation", _("Consulta pública")
    IMPLEMENTATION = "implementation", _("Implementación")
    CLOSED = "closed", _("Cerrado")


class OgpValue(models.TextChoices):
    TRANSPARENCY = "transparency", _("Transparencia")
    ACCOUNTABILITY = "accountability", _("Rendición de cuentas")
    PARTICIPATION = "participation", _("Participación ciudadana")
    TECHNOLOGY_INNOVATION = "technology_innovation", _("Tecnología e innovación")


class CompletionLevel(models.TextChoices):
    """OGP IRM completion vocabulary."""

    NO_EVIDENCE = "no_evidence", _("Sin evidencia disponible")
    NOT_STARTED = "not_started", _("No iniciado")
    LIMITED = "limited", _("Limitado")
    SUBSTANTIAL = "substantial", _("Sustancial")
    COMPLETE = "complete", _("Completo")


class OpenGovernmentEffect(models.TextChoices):
    """OGP IRM "did it open government?" scale."""

    WORSENED = "worsened", _("Empeoró")
    DID_NOT_CHANGE = "did_not_change", _("No cambió")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Importante")
    OUTSTANDING = "outstanding", _("Sobresaliente")


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("No iniciado")
    IN_PROGRESS = "in_progress", _("En curso")
    COMPLETED = "completed", _("Completado")
    DELAYED = "delayed", _("Retrasado")
    CANCELLED = "cancelled", _("Cancelado")
