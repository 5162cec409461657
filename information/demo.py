"""Demo data (`manage.py load_demo`): the transparency officer's account and a handful of
realistic requests, at least one in every state, with one published answer document."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openlima import calendar, roles
from openlima.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, totp_activate
from openlima.models import OrgUnit
from openlima.services import user_create_staff

from . import services
from .models import InformationRequest

DEMO_OFFICER = "transparencia@demo.openlima.pe"

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

REQUESTS = [
    # (citizen, days ago, title, text, unit slug or None, what happens)
    (
        1,
        0,
        "Actas del Consejo Metropolitano de enero de 2026",
        "Copia de las actas de las sesiones del Concejo Metropolitano de enero de 2026.",
        None,
        "received",
    ),
    (
        2,
        1,
        "Inspecciones de seguridad en mercados de Comas",
        "Número de inspecciones técnicas de seguridad en mercados del distrito de Comas "
        "en 2025 y sus resultados.",
        "gerencia-municipal",
        "assigned",
    ),
    (
        3,
        0,
        "Contratos de limpieza pública 2024-2025",
        "Copia de los contratos de recolección de residuos sólidos vigentes en 2024 y "
        "2025, con sus adendas.",
        "gerencia-municipal",
        "extended",
    ),
    (
        1,
        6,
        "Presupuesto ejecutado en parques zonales 2025",
        "Monto presupuestado y ejecutado en mantenimiento de parques zonales en 2025, "
        "por parque.",
        "planificacion",
        "answered",
    ),
    (
        2,
        9,
        "Declaraciones juradas de funcionarios de la Gerencia Municipal",
        "Declaraciones juradas de ingresos, bienes y rentas de los gerentes y el "
        "personal de la Gerencia Municipal.",
        "gerencia-municipal",
        "partially_denied",
    ),
    (
        3,
        4,
        "Plan de seguridad del Palacio Municipal",
        "Planos de vigilancia y ubicación de cámaras de seguridad del Palacio Municipal.",
        "secretaria-general",
        "denied",
    ),
    (
        1,
        12,
        "Licencias de funcionamiento otorgadas en el Cercado en 2025",
        "Relación de licencias de funcionamiento otorgadas en el Cercado de Lima en 2025.",
        "atencion-ciudadano",
        "delivered",
    ),
    (
        2,
        25,
        "Resultados de la consulta vecinal sobre ciclovías",
        "Informe final con los resultados de la consulta vecinal sobre ciclovías de 2025.",
        "participacion-vecinal",
        "overdue",
    ),
]


# The La Paz demo profile's requests (invented, marked "[Demostración]"; no Lima content).
REQUESTS_LAPAZ = [
    (
        1,
        0,
        "[Demostración] Actas del Concejo Municipal de enero de 2026",
        "Copia de las actas de las sesiones del Concejo Municipal de enero de 2026.",
        None,
        "received",
    ),
    (
        2,
        1,
        "[Demostración] Inspecciones en mercados del macrodistrito Max Paredes",
        "Número de inspecciones de seguridad en mercados del macrodistrito Max Paredes "
        "en 2025 y sus resultados.",
        "gerencia-municipal",
        "assigned",
    ),
    (
        3,
        0,
        "[Demostración] Contratos de recojo de residuos 2025",
        "Copia de los contratos de recojo de residuos sólidos vigentes en 2025.",
        "gerencia-municipal",
        "extended",
    ),
    (
        1,
        6,
        "[Demostración] Presupuesto ejecutado en áreas verdes 2025",
        "Monto presupuestado y ejecutado en mantenimiento de áreas verdes en 2025.",
        "planificacion",
        "answered",
    ),
    (
        2,
        9,
        "[Demostración] Declaraciones juradas de autoridades municipales",
        "Declaraciones juradas de bienes y rentas de las autoridades municipales.",
        "gerencia-municipal",
        "partially_denied",
    ),
    (
        3,
        4,
        "[Demostración] Plan de seguridad del edificio municipal",
        "Planos de vigilancia y ubicación de cámaras del edificio municipal.",
        "secretaria-general",
        "denied",
    ),
    (
        1,
        12,
        "[Demostración] Licencias de funcionamiento del macrodistrito Centro 2025",
        "Relación de licencias de funcionamiento otorgadas en el macrodistrito Centro.",
        "atencion-ciudadano",
        "delivered",
    ),
    (
        2,
        30,
        "[Demostración] Resultados de la consulta sobre ciclovías",
        "Informe final con los resultados de la consulta vecinal sobre ciclovías de 2025.",
        "participacion-vecinal",
        "overdue",
    ),
]


def _profile_requests():
    """The profile's demo requests, identity document and exceptions (Lima by default)."""
    from openlima import city

    from .selectors import rules

    lapaz = city.raw().get("slug") == "la-paz"
    document_type = rules.document_type_choices()[0][0]
    exceptions = dict(rules.exception_choices())
    return {
        "requests": REQUESTS_LAPAZ if lapaz else REQUESTS,
        "document_type": document_type,
        "number": (lambda who: f"48{who:05d}")
        if document_type != "dni"
        else (lambda who: f"4{who:07d}"),
        "personal_data": "personal_data"
        if "personal_data" in exceptions
        else next(iter(exceptions)),
        "reserved": "reserved" if "reserved" in exceptions else next(iter(exceptions)),
    }


def load(*, stdout=None) -> None:
    officer = _demo_officer()
    if InformationRequest.objects.exists():
        return
    User = get_user_model()
    citizens = {
        i: User.objects.filter(email=f"vecino{i}@demo.openlima.pe").first()
        for i in (1, 2, 3)
    }
    if not all(citizens.values()):
        return
    now = timezone.now()
    created = 0
    spec = _profile_requests()
    for row in spec["requests"]:
        _demo_request(row, citizens=citizens, officer=officer, spec=spec, now=now)
        created += 1
    services.deadlines_process(now=now)
    if stdout:
        stdout.write(f"  information: {created} access-to-information requests")


def _demo_officer():
    """The transparency officer's demo account, with the demo TOTP secret."""
    officer = user_create_staff(
        email=DEMO_OFFICER,
        password=DEMO_PASSWORD,
        org_unit=OrgUnit.objects.get(
            slug=roles.role_unit_slug(roles.TRANSPARENCY_OFFICER)
        ),
        roles=[roles.TRANSPARENCY_OFFICER],
        display_name="Funcionario responsable de transparencia",
    )
    totp_activate(user=officer, secret=DEMO_TOTP_SECRET)
    return officer


def _demo_request(row: tuple, *, citizens: dict, officer, spec: dict, now) -> None:
    """One demo request filed `days ago` by a demo citizen, assigned to its unit and
    taken to its state by the officer."""
    who, days_ago, title, text, unit_slug, state = row
    filed_at = now - dt.timedelta(days=days_ago)
    citizen = citizens[who]
    r = services.request_file(
        user=citizen,
        title=title,
        text=text,
        requester_name=f"{citizen.display_name} (demo)",
        document_type=spec["document_type"],
        document_number=spec["number"](who),
        contact_email=citizen.email,
        delivery_form="email" if who != 3 else "copy",
        show_anonymous=who != 1,
        now=filed_at,
    )
    unit = OrgUnit.objects.filter(slug=unit_slug).first() if unit_slug else None
    if unit is not None:
        r = services.request_assign(actor=officer, info_request=r, unit=unit)
    if state == "extended":
        _extend(r, officer=officer, now=filed_at)
    elif state in ("answered", "delivered"):
        _answer(r, officer=officer, title=title, deliver=state == "delivered")
    elif state == "partially_denied":
        services.request_deny(
            actor=officer,
            info_request=r,
            exception=spec["personal_data"],
            reasoning="Las declaraciones juradas se entregan sin domicilios, "
            "teléfonos ni datos de familiares, que afectan la intimidad personal.",
            partial=True,
            answer_text="Se entregan las declaraciones juradas con los datos "
            "personales protegidos tachados.",
        )
    elif state == "denied":
        services.request_deny(
            actor=officer,
            info_request=r,
            exception=spec["reserved"],
            reasoning="La ubicación de las cámaras forma parte del plan de seguridad "
            "del local; su difusión pondría en riesgo su protección.",
            partial=False,
        )


def _extend(r, *, officer, now) -> None:
    """Extend by five business days, or to the latest date the law allows."""
    limits = services.extension_limits(info_request=r)
    services.request_extend(
        actor=officer,
        info_request=r,
        new_due_on=min(calendar.add_business_days(r.due_on, 5), limits["latest"]),
        reason="Los contratos están en el archivo central y deben digitalizarse "
        "(más de 400 folios).",
        now=now,
    )


def _answer(r, *, officer, title: str, deliver: bool) -> None:
    """Answer with one published document (DEMO_PDF), then deliver it if asked."""
    r = services.request_answer(
        actor=officer,
        info_request=r,
        answer_text="Adjuntamos la información solicitada.",
    )
    doc = services.document_add(
        actor=officer,
        info_request=r,
        title=title,
        uploaded=SimpleUploadedFile("respuesta.pdf", DEMO_PDF),
    )
    services.document_redact(actor=officer, document=doc, same_as_original=True)
    services.document_publish(actor=officer, document=doc)
    if deliver:
        services.request_deliver(
            actor=officer, info_request=r, cost="0", note="Enviado por correo"
        )
