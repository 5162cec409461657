"""Issue 12: in every app's admin form a date-only field shows a visible format hint
(dd/mm/aaaa) and only a date input (no time picker); a date-time field says its time zone.
Each registered model's add form is opened as a superuser (in Spanish)."""

import re

import pytest
from django.contrib import admin
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

DATE_INPUT = re.compile(r"<input[^>]*class=\"[^\"]*vDateField[^\"]*\"[^>]*>")


def _add_pages():
    for model, model_admin in admin.site._registry.items():
        try:
            yield (
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"),
                model_admin,
            )
        except NoReverseMatch:  # pragma: no cover
            continue


@override_settings(LANGUAGE_CODE="es")
def test_date_fields_have_a_hint_and_datetime_fields_a_time_zone(
    staff_client_factory,
):
    user = StaffFactory(is_superuser=True)
    client = staff_client_factory(user)
    problems, dates, datetimes = [], 0, 0
    for url, _model_admin in _add_pages():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        if response.status_code != 200:
            continue
        html = response.content.decode()
        for block in re.findall(r'<p class="date">(.*?)</p>', html, re.S):
            dates += 1
            if "dd/mm/aaaa" not in block:
                problems.append(f"{url}: date field without a format hint")
            if "vTimeField" in block:
                problems.append(f"{url}: date-only field with a time input")
            hint = re.search(r'id="([^"]+-hint)"', block)
            if not hint or f'aria-describedby="{hint.group(1)}"' not in block:
                problems.append(f"{url}: date hint not tied to its input")
        for block in re.findall(r'<p class="datetime">(.*?)</p>', html, re.S):
            datetimes += 1
            if "America/Lima" not in block:
                problems.append(f"{url}: date-time field without its time zone")
            if "dd/mm/aaaa" not in block:
                problems.append(f"{url}: date-time field without a format hint")
        for field in DATE_INPUT.findall(html):
            if "aria-describedby" not in field:
                problems.append(f"{url}: {field}")
    assert dates and datetimes
    assert not problems, "\n".join(problems)


def test_milestone_scheduling_field_is_a_date_and_time_with_its_zone(
    staff_client_factory,
):
    from openlima import roles

    client = staff_client_factory(StaffFactory(roles=[roles.OGP_COORDINATOR]))
    for url in (
        reverse("admin:commitments_milestone_add"),
        reverse("admin:commitments_progressupdate_add"),
    ):
        html = client.get(url).content.decode()
        block = re.search(r'<p class="datetime">(.*?)</p>', html, re.S)
        assert block and 'name="publish_at_0"' in block.group(1), url
        assert "America/Lima" in block.group(1)
