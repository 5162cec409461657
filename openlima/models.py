"""Core data shared by every part of the portal: people, municipal units, districts,
the audit trail, the outbox of background work and job heartbeats."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A territorial unit of the city profile (docs/city-profile.md): one of Lima's 43
    districts keyed by its INEI UBIGEO code, or one of La Paz's macrodistricts by its code."""

    ubigeo = models.CharField(_("UBIGEO"), max_length=6, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    geometry = models.JSONField(_("polígono (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("distrito")
        verbose_name_plural = _("distritos")

    def __str__(self):
        return self.name


class OrgUnit(models.Model):
    """A municipal unit (gerencia, subgerencia, oficina) that owns commitments and cases."""

    name = models.CharField(_("nombre"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    acronym = models.CharField(_("siglas"), max_length=30, blank=True)
    email = models.EmailField(_("correo de contacto"), blank=True)
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unidad orgánica")
        verbose_name_plural = _("unidades orgánicas")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get(self, *args, **kwargs):
        """`User.objects.get(pk=N)` — what the authentication backends call on every
        signed-in request — as one prepared SELECT of the concrete columns turned into a
        User with `from_db`, without building a QuerySet and compiling it (about 1 ms of
        CPU a request, docs/performance.md "The signed-in user"). The same row, the same
        fields, the same DoesNotExist; anything else goes to the QuerySet."""
        if args or kwargs.keys() != {"pk"} or not isinstance(kwargs["pk"], int):
            return super().get(*args, **kwargs)
        plan = self._pk_plan()
        if plan is None:
            return super().get(*args, **kwargs)
        sql, attnames = plan
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [kwargs["pk"]])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return self.model.from_db(self.db, attnames, row)

    def _pk_plan(self) -> tuple[str, list[str]] | None:
        """The SQL and column names of the by-pk read on this database, or None where a
        column's value needs a converter the raw row would skip (SQLite's datetimes, for
        one): there the QuerySet does it."""
        db = self.db
        cache = self.__dict__.setdefault("_pk_plans", {})
        if db not in cache:
            connection = connections[db]
            fields = self.model._meta.concrete_fields
            plain = connection.vendor == "postgresql" and not any(
                field.get_db_converters(connection)
                or connection.ops.get_db_converters(
                    field.get_col(field.model._meta.db_table)
                )
                for field in fields
            )
            cache[db] = None
            if plain:
                quote = connection.ops.quote_name
                columns = ", ".join(quote(field.column) for field in fields)
                table = quote(self.model._meta.db_table)
                pk = quote(self.model._meta.pk.column)
                cache[db] = (
                    f"SELECT {columns} FROM {table} WHERE {pk} = %s",  # noqa: S608
                    [field.attname for field in fields],
                )
        return cache[db]

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: citizen, resident or municipal staff (e-mail is the login)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("correo electrónico"), unique=True)
    display_name = models.CharField(_("nombre para mostrar"), max_length=80, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("distrito"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unidad orgánica"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Solo para personal municipal: la unidad en la que trabaja."),
    )
    is_verified_resident = models.BooleanField(
        _("vecino/a verificado/a"), default=False
    )
    public_profile = models.BooleanField(
        _("perfil público"),
        default=False,
        help_text=_(
            "Mostrar mi nombre junto a mis aportes; si no, aparezco como vecino/a de mi distrito."
        ),
    )
    privacy_accepted_at = models.DateTimeField(
        _("aceptó la política de privacidad"), null=True, blank=True
    )
    deleted_at = models.DateTimeField(_("cuenta eliminada el"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]


class AuditLog(models.Model):
    """Append-only record of sensitive actions (staff logins, permission changes, case reads).

    Never stores an IP address or user agent. Rows are only ever inserted (see
    `openlima.services.audit_log_record`); on PostgreSQL a trigger rejects UPDATE/DELETE.
    """

    created_at = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)
    # No database constraint and nothing done on delete: deleting a user must not UPDATE
    # this append-only table (the PostgreSQL trigger refuses it). `actor_label` keeps who
    # it was; `actor_id` may then point to no row (docs/architecture.md, "Audit log").
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor (texto)"), max_length=254, blank=True)
    action = models.CharField(_("acción"), max_length=80, db_index=True)
    object_type = models.CharField(_("tipo de objeto"), max_length=80, blank=True)
    object_id = models.CharField(_("id del objeto"), max_length=64, blank=True)
    object_repr = models.CharField(_("objeto"), max_length=254, blank=True)
    details = models.JSONField(_("detalles"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registro de auditoría")
        verbose_name_plural = _("registro de auditoría")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class OutboxMessage(models.Model):
    """A Celery task recorded in the database before it is sent to the broker.

    If the broker is down the web request still succeeds; `outbox_flush` sends it later.
    """

    created_at = models.DateTimeField(default=timezone.now)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # Dead letter: set when OUTBOX_MAX_ATTEMPTS sends failed; never retried, shown in the
    # admin for staff to act on (docs/operations.md, "Outbox").
    dead_at = models.DateTimeField(_("descartado el"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("mensaje pendiente")
        verbose_name_plural = _("mensajes pendientes")

    def __str__(self):
        return f"{self.task_name} #{self.pk}"


class JobHeartbeat(models.Model):
    """When a scheduled job last ran, so `/readyz` can tell whether beat is alive."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()
    last_result = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("latido de tarea")
        verbose_name_plural = _("latidos de tareas")

    def __str__(self):
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M}"


class IndicatorSnapshot(models.Model):
    """The home page's figures as the `indicators_refresh` job last computed them, one row
    per language: read in one query when the cache is empty, so a cold home page never
    runs every app's indicator queries itself (docs/performance.md). A copy, like the
    cache: the job rewrites it every few minutes."""

    language = models.CharField(max_length=10, unique=True)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("instantánea de indicadores")
        verbose_name_plural = _("instantáneas de indicadores")

    def __str__(self):
        return f"{self.language} @ {self.computed_at:%Y-%m-%d %H:%M}"


class PlatformRating(models.Model):
    """ "¿Le fue útil?": one anonymous 1–5 rating of a part of the portal (docs/feedback.md).

    Nothing identifies who rated: no user, no address, no cookie, no page address and only
    the day (not the time), so a rating given after a complaint cannot be matched to it.
    """

    class Part(models.TextChoices):
        HOME = "home", _("Inicio")
        COMMITMENTS = "commitments", _("Compromisos")
        COMPLAINTS = "complaints", _("Denuncias")
        PARTICIPATION = "participation", _("Participación")
        BUDGETS = "budgets", _("Presupuesto participativo")
        OPENDATA = "opendata", _("Datos abiertos")
        CONTRACTING = "contracting", _("Contrataciones")
        INFORMATION = "information", _("Acceso a la información")
        ACCOUNT = "account", _("Cuenta")
        OTHER = "other", _("Otras páginas")

    class Moment(models.TextChoices):
        PAGE = "page", _("Una página")
        PROPOSAL = "proposal", _("Tras publicar una propuesta")
        SUPPORT = "support", _("Tras apoyar una propuesta")
        COMPLAINT = "complaint", _("Tras presentar una denuncia")
        DOWNLOAD = "download", _("Tras descargar datos")
        BALLOT = "ballot", _("Tras votar en el presupuesto participativo")

    part = models.CharField(_("parte del portal"), max_length=20, choices=Part.choices)
    moment = models.CharField(
        _("momento"), max_length=20, choices=Moment.choices, default=Moment.PAGE
    )
    score = models.PositiveSmallIntegerField(_("valoración"))
    comment = models.TextField(_("comentario"), max_length=1000, blank=True)
    created_on = models.DateField(_("fecha"), default=timezone.localdate, db_index=True)
    reviewed = models.BooleanField(_("comentario revisado"), default=False)

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("valoración de la plataforma")
        verbose_name_plural = _("valoraciones de la plataforma")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="platformrating_score_1_5",
            )
        ]

    def __str__(self):
        return f"{self.get_part_display()} · {self.score}/5"
