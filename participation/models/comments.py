"""Comments, their votes and flags, and the moderation log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Comment(models.Model):
    """A comment on any registered target (``target_type`` is a label such as
    ``participation.proposal`` or ``commitments.commitment``)."""

    MAX_DEPTH = 2  # 0, 1, 2 → three levels

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Oculto por moderación")
        REVIEW = "review", _("Oculto para revisión")

    target_type = models.CharField(_("tipo de objeto"), max_length=60)
    target_id = models.PositiveBigIntegerField(_("id del objeto"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("responde a"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    root_id = models.PositiveBigIntegerField(_("hilo"), null=True, blank=True)
    depth = models.PositiveSmallIntegerField(_("nivel"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autor/a"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("comentario"), max_length=3000)
    body_html = models.TextField(blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    hidden_reason = models.CharField(
        _("motivo de moderación"), max_length=300, blank=True
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("comentario")
        verbose_name_plural = _("comentarios")
        indexes = [
            models.Index(
                fields=["target_type", "target_id", "depth", "id"],
                name="comment_target",
            ),
            models.Index(fields=["root_id", "id"], name="comment_root"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=2), name="comment_depth_max")
        ]

    def __str__(self):
        return f"{self.target_type}:{self.target_id} #{self.pk}"


class CommentVote(models.Model):
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    value = models.SmallIntegerField(choices=[(1, "+1"), (-1, "-1")])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="comment_vote_one_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.value:+d} → {self.comment_id}"


class CommentFlag(models.Model):
    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("Contenido ofensivo o discriminatorio")
        SPAM = "spam", _("Publicidad o spam")
        PERSONAL_DATA = "personal_data", _("Datos personales de otra persona")
        OFF_TOPIC = "off_topic", _("No tiene relación con el tema")
        OTHER = "other", _("Otro motivo")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Asked in the "Reportar" dialog (issue 12); moderators see it.
    reason = models.CharField(
        _("motivo"), max_length=20, choices=Reason.choices, default=Reason.OTHER
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="comment_flag_one_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} ⚑ {self.comment_id}"


class ModerationAction(models.Model):
    """Public moderation log: what was hidden or restored, when and why (never content)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Ocultado")
        AUTO_HIDE = "auto_hide", _("Ocultado automáticamente para revisión")
        RESTORE = "restore", _("Restablecido")

    created_at = models.DateTimeField(_("fecha"), default=timezone.now)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("acción"), max_length=20, choices=Action.choices)
    target_kind = models.CharField(_("tipo"), max_length=20)  # comment | proposal
    target_id = models.PositiveBigIntegerField()
    context_label = models.CharField(_("dónde"), max_length=200, blank=True)
    context_url = models.CharField(max_length=300, blank=True)
    reason = models.CharField(_("motivo"), max_length=300)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("acción de moderación")
        verbose_name_plural = _("registro de moderación")

    def __str__(self):
        return f"{self.action} {self.target_kind}#{self.target_id}"
