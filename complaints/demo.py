"""Demo data: a key pair for the demo integrity member and two complaints."""

from django.contrib.auth import get_user_model

from openlima.demo import DEMO_PASSWORD
from openlima.models import AuditLog

from . import conf, crypto, services
from .models import Category, Channel, KeyGrant, MemberKey, RecoveryKey, Stage

DEMO_MEMBER = "integridad@demo.openlima.pe"
CATEGORIES = [
    "Cobro indebido o soborno",
    "Colusión en contrataciones",
    "Uso indebido de bienes públicos",
    "Nepotismo",
    "Abuso de autoridad",
    "Otra irregularidad",
]


def load(*, stdout=None) -> None:
    from openlima import city

    profile_categories = city.demo_content("complaint_categories")
    for name in CATEGORIES if profile_categories is None else profile_categories:
        Category.objects.get_or_create(name=name)
    if profile_categories is not None:
        # A city profile's own demo (docs/city-profile.md): its categories, the demo key
        # pairs and one web complaint written for that city.
        _load_keys_and_one_complaint(stdout=stdout)
        return
    User = get_user_model()
    member = User.objects.filter(email=DEMO_MEMBER).first()
    if member is None:
        return
    if MemberKey.objects.filter(user=member).exists():
        private = services.member_key_unlock(user=member, password=DEMO_PASSWORD)
    else:
        private = services.member_key_create(user=member, password=DEMO_PASSWORD)
    _demo_recovery_key(stdout=stdout)
    if AuditLog.objects.filter(action="complaints.demo").exists():
        return
    _two_complaints(member=member, private=private, stdout=stdout)


def _two_complaints(*, member, private, stdout=None) -> None:
    """A web complaint, under evaluation with a message to its reporter, and a phone
    complaint registered by the member; their codes are printed once."""
    first, code1 = services.complaint_submit(
        body={
            "what": "Un inspector pidió dinero para no multar un puesto de mercado.",
            "unit": "Gerencia Municipal Metropolitana",
            "district": "Cercado de Lima",
            "when": "Marzo de 2026",
            "who": "Inspector de la mañana",
            "amount": "S/ 300",
        }
    )
    _second, code2 = services.complaint_submit(
        body={"what": "Se usan camionetas municipales para fines particulares."},
        channel=Channel.PHONE,
        registered_by=member,
    )
    _first_answer(first, member=member, private=private)
    from openlima.services import audit_log_record

    audit_log_record(actor=None, action="complaints.demo")
    if stdout:
        stdout.write(
            f"  demo complaints: web {crypto.code_format(code1)}, "
            f"phone {crypto.code_format(code2)} (must be replaced at first use)"
        )


def _first_answer(complaint, *, member, private) -> None:
    """The member opens the complaint with their key, moves it to evaluation with a
    public note and asks the reporter a question."""
    key = crypto.unseal(
        private,
        bytes(KeyGrant.objects.get(complaint=complaint, member=member).sealed_key),
    )
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=member,
        to_stage=Stage.EVALUATION,
        note="Recibimos su denuncia y la estamos evaluando.",
        is_public=True,
    )
    services.complaint_message_send(
        complaint=complaint,
        key=key,
        actor=member,
        text="Gracias. ¿Recuerda el día exacto?",
    )


def _demo_recovery_key(*, stdout=None) -> None:
    """The demo's recovery key pair (complaints/README.md, "Recovery and re-granting").

    The private half is written to var/complaints-recovery-demo.key (mode 0600) so that
    the recovery ceremony can be tried with the demo; in a real installation it is
    printed once by `complaints_recovery_keygen` and kept offline, never on the server.
    """
    from django.conf import settings

    if RecoveryKey.objects.exists() or conf.recovery_public_key():
        return
    private = services.recovery_key_create()
    path = settings.VAR_DIR / "complaints-recovery-demo.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(crypto.b64(private) + "\n")
    if stdout:
        stdout.write(
            f"  demo recovery private key written to {path} (demo only: in production "
            "it is printed once and kept offline)"
        )


def _load_keys_and_one_complaint(*, stdout=None) -> None:
    member = get_user_model().objects.filter(email=DEMO_MEMBER).first()
    if member is None:
        return
    if not MemberKey.objects.filter(user=member).exists():
        services.member_key_create(user=member, password=DEMO_PASSWORD)
    _demo_recovery_key(stdout=stdout)
    if AuditLog.objects.filter(action="complaints.demo").exists():
        return
    _complaint, code = services.complaint_submit(
        body={
            "what": "[Demostración] Un funcionario pidió dinero para agilizar un trámite "
            "de licencia de funcionamiento.",
            "when": "Marzo de 2026",
        }
    )
    from openlima.services import audit_log_record

    audit_log_record(actor=None, action="complaints.demo")
    if stdout:
        stdout.write(
            f"  demo complaint: web {crypto.code_format(code)} (demonstration)"
        )
