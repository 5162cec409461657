"""E-mail subscriptions to searches of processes (docs/contracting.md, "Follows")."""

from django.db import models
from django.utils import timezone


class Follow(models.Model):
    """An e-mail subscription to new processes matching a search (query string)."""

    user = models.ForeignKey(
        "openlima.User",
        on_delete=models.CASCADE,
        related_name="contracting_follows",
        db_index=False,
    )
    query = models.CharField(max_length=500)
    label = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    last_notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="ctr_follow_unique")
        ]

    def __str__(self):
        return self.label
