"""Rules of every step: states, legal limits, permissions (requester, other citizen,
officer, unit editor of the unit, editor of another unit, anonymous) and the audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from information import selectors, services
from information.models import InformationRequest, State
from openlima.errors import Conflict, Forbidden, Invalid
from openlima.models import AuditLog
from openlima.uploads import UploadRefused

from .conftest import MONDAY, pdf_bytes

pytestmark = pytest.mark.django_db
D = dt.date


def audit_actions(r):
    return list(
        AuditLog.objects.filter(object_id=r.number)
        .order_by("id")
        .values_list("action", flat=True)
    )


def pdf(name="respuesta.pdf", text="x"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


# --- filing -----------------------------------------------------------------------------


def test_file_gets_number_and_ten_business_day_deadline(file_request, citizen):
    r = file_request(now=MONDAY)
    assert r.state == State.RECEIVED
    assert r.number == f"2026-{r.pk:06d}"
    assert r.due_on == D(2026, 3, 16)
    assert r.requester == citizen
    assert audit_actions(r) == ["information.file"]


def test_deadline_skips_configured_holidays(file_request, settings):
    settings.BUSINESS_HOLIDAYS = ["2026-03-04", "2026-03-05"]
    r = file_request(now=MONDAY)
    assert r.due_on == D(2026, 3, 18)


def test_filed_on_saturday_counts_from_monday(file_request):
    saturday = MONDAY + dt.timedelta(days=5)
    r = file_request(now=saturday)
    assert r.due_on == D(2026, 3, 20)


def test_unverified_email_cannot_file(file_request):
    from tests.factories import UserFactory

    unverified = UserFactory(verified_email=False)
    with pytest.raises(Forbidden) as exc:
        file_request(user=unverified)
    assert exc.value.status_code == 403
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", ""),
        ("title", "x" * 201),
        ("text", "   "),
        ("text", "a\x00b"),
        ("requester_name", ""),
        ("document_number", "123"),  # DNI has 8 digits
        ("document_type", "nope"),
        ("delivery_form", "fax"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(file_request, field, value):
    with pytest.raises(Invalid):
        file_request(**{field: value})
    assert not InformationRequest.objects.exists()


def test_an_address_or_email_is_required(file_request):
    with pytest.raises(Invalid) as exc:
        file_request(address="", contact_email="")
    assert "address" in exc.value.field_errors


# --- assign -----------------------------------------------------------------------------


def test_officer_assigns(file_request, officer, unit):
    r = services.request_assign(actor=officer, info_request=file_request(), unit=unit)
    assert r.state == State.ASSIGNED and r.unit == unit
    assert audit_actions(r)[-1] == "information.assign"


@pytest.mark.parametrize("who", ["citizen", "other_citizen", "unit_editor"])
def test_only_the_officer_assigns(request, file_request, unit, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.request_assign(actor=actor, info_request=file_request(), unit=unit)


def test_anonymous_cannot_assign(file_request, unit):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.request_assign(
            actor=AnonymousUser(), info_request=file_request(), unit=unit
        )


# --- extension --------------------------------------------------------------------------


def test_extension_within_limits(file_request, officer):
    r = file_request(now=MONDAY)
    limits = services.extension_limits(info_request=r)
    assert limits["notice_by"] == D(2026, 3, 4)
    assert limits["latest"] == D(2026, 3, 30)
    r = services.request_extend(
        actor=officer,
        info_request=r,
        new_due_on=D(2026, 3, 27),
        reason="Hay que reunir 300 contratos de cinco archivos.",
        now=MONDAY + dt.timedelta(days=1),
    )
    assert r.state == State.EXTENDED
    assert r.effective_due_on == D(2026, 3, 27)
    assert audit_actions(r)[-1] == "information.extend"


def test_extension_is_declared_within_two_business_days(file_request, officer):
    r = file_request(now=MONDAY)
    with pytest.raises(Conflict) as exc:
        services.request_extend(
            actor=officer,
            info_request=r,
            new_due_on=D(2026, 3, 20),
            reason="tarde",
            now=MONDAY + dt.timedelta(days=3),  # Thursday: third business day
        )
    assert exc.value.status_code == 409


@pytest.mark.parametrize(
    "new_due_on",
    [D(2026, 3, 16), D(2026, 3, 13), D(2026, 3, 31), D(2026, 3, 21)],
    ids=["same-day", "earlier", "past-limit", "saturday"],
)
def test_extension_date_must_be_inside_the_legal_window(
    file_request, officer, new_due_on
):
    r = file_request(now=MONDAY)
    with pytest.raises(Invalid) as exc:
        services.request_extend(
            actor=officer, info_request=r, new_due_on=new_due_on, reason="x", now=MONDAY
        )
    assert "new_due_on" in exc.value.field_errors
    r.refresh_from_db()
    assert r.extended_due_on is None and r.state == State.RECEIVED


def test_extension_limit_is_a_setting(file_request, officer, settings):
    settings.INFORMATION_EXTENSION_MAX_BUSINESS_DAYS = 3
    r = file_request(now=MONDAY)
    assert services.extension_limits(info_request=r)["latest"] == D(2026, 3, 19)
    with pytest.raises(Invalid):
        services.request_extend(
            actor=officer,
            info_request=r,
            new_due_on=D(2026, 3, 20),
            reason="x",
            now=MONDAY,
        )


def test_only_one_extension(file_request, officer):
    r = file_request(now=MONDAY)
    services.request_extend(
        actor=officer, info_request=r, new_due_on=D(2026, 3, 20), reason="x", now=MONDAY
    )
    with pytest.raises(Conflict):
        services.request_extend(
            actor=officer,
            info_request=r,
            new_due_on=D(2026, 3, 23),
            reason="y",
            now=MONDAY,
        )


def test_extension_needs_a_reason(file_request, officer):
    with pytest.raises(Invalid) as exc:
        services.request_extend(
            actor=officer,
            info_request=file_request(now=MONDAY),
            new_due_on=D(2026, 3, 20),
            reason="  ",
            now=MONDAY,
        )
    assert "reason" in exc.value.field_errors


@pytest.mark.parametrize("who", ["citizen", "other_citizen", "unit_editor"])
def test_only_the_officer_extends(request, file_request, officer, unit, who):
    r = services.request_assign(
        actor=officer, info_request=file_request(now=MONDAY), unit=unit
    )
    with pytest.raises(PermissionDenied):
        services.request_extend(
            actor=request.getfixturevalue(who),
            info_request=r,
            new_due_on=D(2026, 3, 20),
            reason="x",
            now=MONDAY,
        )


# --- answer, deny, deliver -----------------------------------------------------------------


def test_unit_editor_of_the_unit_answers(file_request, officer, unit, unit_editor):
    r = services.request_assign(actor=officer, info_request=file_request(), unit=unit)
    r = services.request_answer(
        actor=unit_editor, info_request=r, answer_text="Adjuntamos."
    )
    assert r.state == State.ANSWERED and r.answered_by_unit == unit
    assert audit_actions(r)[-1] == "information.answer"


def test_unit_editor_cannot_see_or_answer_before_assignment(
    file_request, unit, unit_editor
):
    r = file_request(unit=unit)  # chosen by the requester, not yet triaged
    assert not selectors.user_can_work_on(user=unit_editor, info_request=r)
    with pytest.raises(PermissionDenied):
        services.request_answer(actor=unit_editor, info_request=r, answer_text="x")


@pytest.mark.parametrize("who", ["citizen", "other_citizen", "other_unit_editor"])
def test_others_cannot_answer(request, file_request, officer, unit, who):
    r = services.request_assign(actor=officer, info_request=file_request(), unit=unit)
    with pytest.raises(PermissionDenied):
        services.request_answer(
            actor=request.getfixturevalue(who), info_request=r, answer_text="x"
        )


def test_answer_twice_is_refused(file_request, officer):
    r = services.request_answer(
        actor=officer, info_request=file_request(), answer_text="a"
    )
    with pytest.raises(Conflict) as exc:
        services.request_answer(actor=officer, info_request=r, answer_text="b")
    assert exc.value.status_code == 409


def test_total_denial_with_exception(file_request, officer):
    r = services.request_deny(
        actor=officer,
        info_request=file_request(),
        exception="personal_data",
        reasoning="Contiene datos de salud de terceros.",
        partial=False,
    )
    assert r.state == State.DENIED and r.denial_exception == "personal_data"
    assert audit_actions(r)[-1] == "information.deny"


def test_partial_denial_needs_what_is_delivered(file_request, officer):
    with pytest.raises(Invalid):
        services.request_deny(
            actor=officer,
            info_request=file_request(),
            exception="reserved",
            reasoning="x",
            partial=True,
            answer_text="",
        )
    r = services.request_deny(
        actor=officer,
        info_request=InformationRequest.objects.get(),
        exception="reserved",
        reasoning="x",
        partial=True,
        answer_text="Se entrega la parte no reservada.",
    )
    assert r.state == State.PARTIALLY_DENIED


@pytest.mark.parametrize("exception", ["", "made_up", "secret; DROP TABLE"])
def test_denial_needs_a_listed_exception(file_request, officer, exception):
    with pytest.raises(Invalid):
        services.request_deny(
            actor=officer,
            info_request=file_request(),
            exception=exception,
            reasoning="x",
            partial=False,
        )


def test_unit_editor_cannot_deny(file_request, officer, unit, unit_editor):
    r = services.request_assign(actor=officer, info_request=file_request(), unit=unit)
    with pytest.raises(PermissionDenied):
        services.request_deny(
            actor=unit_editor,
            info_request=r,
            exception="secret",
            reasoning="x",
            partial=False,
        )


def test_delivery_with_cost(file_request, officer):
    r = services.request_answer(
        actor=officer, info_request=file_request(), answer_text="a"
    )
    r = services.request_deliver(
        actor=officer, info_request=r, cost="1.50", note="20 páginas"
    )
    assert r.state == State.DELIVERED and str(r.cost) == "1.50"
    assert audit_actions(r)[-1] == "information.deliver"


@pytest.mark.parametrize("cost", ["-1", "abc", "1e309", "100000", "NaN", "Infinity"])
def test_delivery_cost_bad_input(file_request, officer, cost):
    r = services.request_answer(
        actor=officer, info_request=file_request(), answer_text="a"
    )
    with pytest.raises(Invalid):
        services.request_deliver(actor=officer, info_request=r, cost=cost)
    r.refresh_from_db()
    assert r.state == State.ANSWERED


def test_cannot_deliver_a_denied_or_open_request(file_request, officer):
    with pytest.raises(Conflict):
        services.request_deliver(actor=officer, info_request=file_request(), cost="0")
    r = services.request_deny(
        actor=officer,
        info_request=file_request(),
        exception="secret",
        reasoning="x",
        partial=False,
    )
    with pytest.raises(Conflict):
        services.request_deliver(actor=officer, info_request=r, cost="0")


def test_unit_editor_cannot_deliver(file_request, officer, unit, unit_editor):
    r = services.request_assign(actor=officer, info_request=file_request(), unit=unit)
    r = services.request_answer(actor=unit_editor, info_request=r, answer_text="a")
    with pytest.raises(PermissionDenied):
        services.request_deliver(actor=unit_editor, info_request=r, cost="0")


# --- overdue (silencio negativo) and reminders ------------------------------------------------


def test_deadline_job_marks_overdue_once_and_reminds_before(
    file_request,
    officer,
    unit,
    unit_editor,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    r = services.request_assign(
        actor=officer, info_request=file_request(now=MONDAY), unit=unit
    )
    mailoutbox.clear()
    # Thursday 12 March: 2 business days left (13, 16) -> reminder to officer and unit.
    thursday = MONDAY + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadlines_process(now=thursday) == {
            "overdue": 0,
            "reminders": 1,
        }
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([officer.email, unit_editor.email])
    assert services.deadlines_process(now=thursday)["reminders"] == 0  # once
    # Monday 16 March is the last day: not overdue yet.
    assert (
        services.deadlines_process(now=MONDAY + dt.timedelta(days=14))["overdue"] == 0
    )
    r.refresh_from_db()
    assert r.state == State.ASSIGNED
    # Tuesday 17 March: overdue.
    mailoutbox.clear()
    tuesday = MONDAY + dt.timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadlines_process(now=tuesday)["overdue"] == 1
    r.refresh_from_db()
    assert r.state == State.OVERDUE
    assert "information.overdue" in audit_actions(r)
    assert any(r.requester.email in m.to for m in mailoutbox)
    assert services.deadlines_process(now=tuesday)["overdue"] == 0


def test_extended_deadline_is_the_one_that_counts(file_request, officer):
    r = file_request(now=MONDAY)
    services.request_extend(
        actor=officer, info_request=r, new_due_on=D(2026, 3, 20), reason="x", now=MONDAY
    )
    assert (
        services.deadlines_process(now=MONDAY + dt.timedelta(days=15))["overdue"] == 0
    )
    assert (
        services.deadlines_process(now=MONDAY + dt.timedelta(days=19))["overdue"] == 1
    )


def test_overdue_request_can_still_be_answered(file_request, officer):
    r = file_request(now=MONDAY)
    services.deadlines_process(now=MONDAY + dt.timedelta(days=30))
    r.refresh_from_db()
    r = services.request_answer(actor=officer, info_request=r, answer_text="tarde")
    assert r.state == State.ANSWERED


def test_reminder_emails_never_carry_the_identity(
    file_request, officer, mailoutbox, django_capture_on_commit_callbacks
):
    from .conftest import MARKER

    with django_capture_on_commit_callbacks(execute=True):
        file_request(now=MONDAY)
        services.deadlines_process(now=MONDAY + dt.timedelta(days=30))
    assert mailoutbox
    for m in mailoutbox:
        assert MARKER not in m.subject + m.body
        assert "40771234" not in m.subject + m.body


# --- messages ---------------------------------------------------------------------------------


def test_requester_and_officer_exchange_messages(file_request, citizen, officer):
    r = file_request()
    services.message_post(actor=citizen, info_request=r, body="¿Alguna novedad?")
    m = services.message_post(actor=officer, info_request=r, body="Estamos en ello.")
    assert m.from_city
    assert [x.from_city for x in selectors.request_messages(info_request=r)] == [
        False,
        True,
    ]


@pytest.mark.parametrize("who", ["other_citizen", "unit_editor"])
def test_strangers_cannot_post_messages(request, file_request, who):
    with pytest.raises(PermissionDenied):
        services.message_post(
            actor=request.getfixturevalue(who), info_request=file_request(), body="hola"
        )


@pytest.mark.parametrize("body", ["", "x" * 5001, "a\x00"])
def test_message_bad_input(file_request, citizen, body):
    with pytest.raises(Invalid):
        services.message_post(actor=citizen, info_request=file_request(), body=body)


# --- documents ---------------------------------------------------------------------------------


def test_document_redact_publish_flow(file_request, officer, unit, unit_editor):
    r = services.request_assign(actor=officer, info_request=file_request(), unit=unit)
    doc = services.document_add(
        actor=unit_editor,
        info_request=r,
        title="Contratos",
        uploaded=pdf(text="original"),
    )
    assert not doc.is_public
    with pytest.raises(Conflict):  # not redacted yet
        services.document_publish(actor=officer, document=doc)
    services.request_answer(actor=unit_editor, info_request=r, answer_text="Adjunto.")
    with pytest.raises(PermissionDenied):  # redaction is the officer's
        services.document_redact(actor=unit_editor, document=doc, uploaded=pdf())
    services.document_redact(actor=officer, document=doc, uploaded=pdf(text="tachado"))
    doc = services.document_publish(actor=officer, document=doc)
    assert doc.is_public
    assert selectors.public_documents(info_request=r) == [doc]
    assert "information.document.publish" in audit_actions(r)


def test_cannot_publish_before_the_answer(file_request, officer):
    r = file_request()
    doc = services.document_add(
        actor=officer, info_request=r, title="x", uploaded=pdf()
    )
    services.document_redact(actor=officer, document=doc, same_as_original=True)
    with pytest.raises(Conflict):
        services.document_publish(actor=officer, document=doc)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("a.pdf", b"", content_type="application/pdf"),
        SimpleUploadedFile(
            "a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        ),
        SimpleUploadedFile(
            "a.html", b"<script>alert(1)</script>", content_type="text/html"
        ),
    ],
    ids=["empty", "exe", "html"],
)
def test_document_bad_files_are_refused(file_request, officer, upload):
    with pytest.raises(UploadRefused):
        services.document_add(
            actor=officer, info_request=file_request(), title="x", uploaded=upload
        )


def test_document_too_big(file_request, officer, settings):
    settings.INFORMATION_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(UploadRefused):
        services.document_add(
            actor=officer,
            info_request=file_request(),
            title="x",
            uploaded=pdf(text="y" * 200),
        )


def test_strangers_cannot_add_documents(file_request, other_citizen, other_unit_editor):
    r = file_request()
    for actor in (other_citizen, other_unit_editor):
        with pytest.raises(PermissionDenied):
            services.document_add(
                actor=actor, info_request=r, title="x", uploaded=pdf()
            )


def test_promote_published_document_to_dataset(file_request, officer):
    from opendata.models import Dataset

    r = services.request_answer(
        actor=officer, info_request=file_request(), answer_text="a"
    )
    doc = services.document_add(
        actor=officer, info_request=r, title="Padrón", uploaded=pdf()
    )
    services.document_redact(actor=officer, document=doc, same_as_original=True)
    with pytest.raises(Conflict):  # not yet published
        services.document_promote(
            actor=officer, document=doc, title="t", description="d"
        )
    services.document_publish(actor=officer, document=doc)
    url = services.document_promote(
        actor=officer,
        document=doc,
        title="Contratos de limpieza pública",
        description="Contratos publicados en respuesta a solicitudes.",
    )
    dataset = Dataset.objects.get(title="Contratos de limpieza pública")
    assert dataset.state == Dataset.State.PUBLISHED
    assert url == dataset.get_absolute_url()
    assert dataset.resources.get().format == "PDF"
    assert "information.document.promote" in audit_actions(r)


# --- ARCO ---------------------------------------------------------------------------------------


def test_erasure_refused_while_a_request_is_open(file_request, citizen):
    file_request()
    with pytest.raises(Invalid):
        services.erase_personal_data(user=citizen)


def test_erasure_removes_identity_of_answered_requests(file_request, citizen, officer):
    r = services.request_answer(
        actor=officer, info_request=file_request(), answer_text="a"
    )
    services.erase_personal_data(user=citizen)
    r.refresh_from_db()
    assert r.requester_name == "" and r.document_number == "" and r.address == ""
    assert r.show_anonymous


def test_personal_data_export_has_no_document_number(
    file_request, citizen, other_citizen
):
    file_request()
    data = selectors.personal_data(user=citizen)
    assert data["summary"][0][1] == 1
    assert "40771234" not in str(data)
    assert selectors.personal_data(user=other_citizen)["information_requests"] == []
