"""Immutable OCDS releases, the source of every compiled release (docs/contracting.md)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .processes import ContractingProcess


class Release(models.Model):
    """One immutable OCDS release: written once by services, never updated."""

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="releases"
    )
    ocid = models.CharField(max_length=128)
    release_id = models.CharField(max_length=255)
    date = models.DateTimeField()
    tag = models.JSONField(default=list)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("release OCDS")
        verbose_name_plural = _("releases OCDS")
        constraints = [
            models.UniqueConstraint(
                fields=["ocid", "release_id"], name="ctr_release_unique"
            )
        ]
        indexes = [models.Index(fields=["date", "id"], name="ctr_release_keyset")]

    def __str__(self):
        return f"{self.ocid} {self.release_id}"


class CompiledRelease(models.Model):
    """A process's compiled release, merged from its releases by ocdsmerge (written by
    services.process_compile only). Its own table: the process rows stay slim, so the
    list and its counts never read the JSON (docs/contracting.md, "Scale")."""

    process = models.OneToOneField(
        ContractingProcess,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="compiled_release",
    )
    data = models.JSONField(_("release compilado"), default=dict, blank=True)

    class Meta:
        verbose_name = _("release compilado")
        verbose_name_plural = _("releases compilados")

    def __str__(self):
        return str(self.process_id)
