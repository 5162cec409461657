"""Demo accounts for the embedded default (`manage.py load_demo`). Never for production."""

from django.contrib.auth import get_user_model

from . import roles
from .models import OrgUnit
from .services import user_create_staff

DEMO_PASSWORD = "gobierno-abierto-2022"
# A fixed TOTP secret so the README can tell a new user how to enter /gestion/.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEMO_STAFF = [
    (
        "coordinacion@demo.openlima.pe",
        "Coordinación OGP",
        "sgdi",
        [
            roles.OGP_COORDINATOR,
            roles.UNIT_EDITOR,
            roles.DATA_PUBLISHER,
            roles.MODERATOR,
        ],
    ),
    ("editor.sgdi@demo.openlima.pe", "Editor SGDI", "sgdi", [roles.UNIT_EDITOR]),
    (
        "editor.participacion@demo.openlima.pe",
        "Editor Participación Vecinal",
        "participacion-vecinal",
        [roles.UNIT_EDITOR],
    ),
    (
        "integridad@demo.openlima.pe",
        "Unidad de Integridad",
        "integridad",
        [roles.INTEGRITY_MEMBER],
    ),
    ("datos@demo.openlima.pe", "Publicación de datos", "sgdi", [roles.DATA_PUBLISHER]),
    (
        "moderacion@demo.openlima.pe",
        "Moderación",
        "participacion-vecinal",
        [roles.MODERATOR],
    ),
    (
        "registro@demo.openlima.pe",
        "Registro de vecinos",
        "atencion-ciudadano",
        [roles.RESIDENT_REGISTRAR],
    ),
]


def totp_activate(*, user, secret: str) -> None:
    """Give a user a TOTP authenticator with a known secret (demo data and tests)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)


def demo_load_core(*, stdout=None) -> None:
    for email, name, unit_slug, role_names in DEMO_STAFF:
        user = user_create_staff(
            email=email,
            password=DEMO_PASSWORD,
            org_unit=OrgUnit.objects.get(slug=unit_slug),
            roles=role_names,
            display_name=name,
        )
        totp_activate(user=user, secret=DEMO_TOTP_SECRET)
    User = get_user_model()
    from allauth.account.models import EmailAddress

    for i, district_name in enumerate(
        ["Miraflores", "San Juan de Lurigancho", "Comas"], start=1
    ):
        citizen, _ = User.objects.get_or_create(email=f"vecino{i}@demo.openlima.pe")
        if not citizen.password or not citizen.has_usable_password():
            citizen.set_password(DEMO_PASSWORD)
        from .models import District

        citizen.district = (
            District.objects.filter(name=district_name).first()
            or District.objects.order_by("ubigeo")[i - 1 : i].first()  # another city
        )
        citizen.display_name = f"Vecino/a demo {i}"
        citizen.save()
        EmailAddress.objects.update_or_create(
            user=citizen,
            email=citizen.email,
            defaults={"verified": True, "primary": True},
        )
    if stdout:
        stdout.write(f"  demo accounts: {len(DEMO_STAFF)} staff, 3 citizens")


def demo_load_city(*, profile: dict, stdout=None) -> None:
    """A city profile's own demo content (its `demo_content`, docs/city-profile.md): action
    plans through `commitments.import_plan`, proposals through
    `participation.demo_proposal` and sessions through `participation.demo_session`
    (openlima/registry.py). Idempotent."""
    import json

    from . import city, registry

    content = profile.get("demo_content") or {}
    import_plan = registry.provider("commitments.import_plan")
    for name in content.get("action_plans", []):
        if import_plan is None:
            break
        data = json.loads(city.resolve_file(name, profile).read_text(encoding="utf-8"))
        result = import_plan(data)
        if stdout:
            stdout.write(
                f"  {result['plan'].slug}: {result['created']} created, "
                f"{result['updated']} updated, {result['unchanged']} unchanged"
            )
    proposal = registry.provider("participation.demo_proposal")
    created = 0
    for item in content.get("proposals", []):
        if proposal is not None:
            created += bool(proposal(**item))
    if stdout:
        stdout.write(f"  {profile['slug']} demo proposals: {created} created")
    session = registry.provider("participation.demo_session")
    created = 0
    for item in content.get("sessions", []):
        if session is not None:
            created += bool(session(**item))
    if stdout:
        stdout.write(f"  {profile['slug']} demo sessions: {created} created")
