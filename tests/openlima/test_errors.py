"""Domain errors: one mapping to HTTP (openlima.errors) and one way to show them on a form."""

import pytest
from django import forms

from openlima.api import exception_handler
from openlima.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Throttled,
    form_add_application_error,
    http_status,
)


class _Form(forms.Form):
    title = forms.CharField(required=False)


def _bound():
    form = _Form({"title": "x"})
    assert form.is_valid()
    return form


def test_field_errors_go_on_their_fields_and_the_message_on_the_form():
    form = _bound()
    exc = ApplicationError(
        "Revise los datos.", field_errors={"title": ["Muy corto."], "other": ["Otro."]}
    )
    form_add_application_error(form, exc)
    assert form.errors["title"] == ["Muy corto."]
    # a field the form does not have is shown on the form as a whole
    assert list(form.non_field_errors()) == ["Otro.", "Revise los datos."]


def test_a_message_alone_goes_on_the_form_once():
    form = _bound()
    exc = ApplicationError("Ya existe.", field_errors={"__all__": ["Ya existe."]})
    form_add_application_error(form, exc)
    assert list(form.non_field_errors()) == ["Ya existe."]


@pytest.mark.parametrize(
    ("cls", "status"),
    [
        (ApplicationError, 400),
        (Invalid, 400),
        (Forbidden, 403),
        (NotFound, 404),
        (Conflict, 409),
        (Throttled, 429),
    ],
)
def test_each_domain_error_answers_its_status_in_the_api(cls, status):
    response = exception_handler(cls("No.", field_errors={"x": ["y"]}), {})
    assert response.status_code == status == http_status(cls("No."))
    assert response.data == {"detail": "No.", "errors": {"x": ["y"]}}


def test_a_refused_upload_is_invalid_input():
    from openlima.uploads import UploadRefused

    assert issubclass(UploadRefused, Invalid)


@pytest.mark.django_db
def test_services_raise_the_subclass_not_a_status():
    from datetime import timedelta

    from django.utils import timezone

    from participation import services
    from tests.factories import UserFactory
    from tests.participation.factories import ProposalFactory

    closed = ProposalFactory(support_ends_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict, match="ya no admite apoyos"):
        services.proposal_support(user=UserFactory(), proposal_id=closed.pk)
    with pytest.raises(NotFound, match="no existe"):
        services.proposal_support(user=UserFactory(), proposal_id=closed.pk + 1000)
