"""One way to show a refused write on a form (openlima.errors.form_add_application_error)."""

from django import forms

from openlima.errors import ApplicationError, form_add_application_error


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
