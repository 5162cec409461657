"""CSRF with NullOriginMiddleware: the token is always required; under no-referrer a browser's
`Origin: null` is accepted only with `Sec-Fetch-Site: same-origin` (a header pages cannot set)."""

import pytest
from django.test import Client

from tests.factories import UserFactory


def _csrf_client_logged_in(secure=True):
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)
    client.get("/denuncias/", secure=secure)  # sets the csrftoken cookie
    return client, client.cookies["csrftoken"].value


@pytest.mark.django_db
def test_logout_from_a_no_referrer_page_is_accepted_from_the_same_site():
    client, token = _csrf_client_logged_in()
    response = client.post(
        "/cuenta/logout/",
        {"csrfmiddlewaretoken": token},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
        secure=True,
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site", None])
def test_null_origin_from_elsewhere_is_refused(fetch_site):
    client, token = _csrf_client_logged_in()
    extra = {"HTTP_ORIGIN": "null"}
    if fetch_site:
        extra["HTTP_SEC_FETCH_SITE"] = fetch_site
    response = client.post(
        "/cuenta/logout/", {"csrfmiddlewaretoken": token}, secure=True, **extra
    )
    assert response.status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_token_is_still_required_with_a_same_origin_fetch():
    client, _token = _csrf_client_logged_in()
    response = client.post(
        "/cuenta/logout/",
        {},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
        secure=True,
    )
    assert response.status_code == 403
