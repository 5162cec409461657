"""Stored copies of the nightly bulk files (docs/contracting.md, "Bulk files")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkFile(models.Model):
    """The current stored copy of a nightly bulk file (services/bulk.py): the catalogue
    dataset holds it as a resource (docs/contracting.md, "Bulk files")."""

    name = models.CharField(max_length=50, unique=True)  # releases.json, …
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=20)
    media_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    modified_at = models.DateTimeField()
    processes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("archivo masivo")
        verbose_name_plural = _("archivos masivos")

    def __str__(self):
        return self.name
