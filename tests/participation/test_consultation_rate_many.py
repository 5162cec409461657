"""Issue 12: a citizen rates several consultation options in one action (one form, one
submit), all or nothing; the page's counts and results update right after."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from openlima.errors import ApplicationError, Conflict, Forbidden, Invalid, NotFound
from participation import services
from participation.models import Consultation, ConsultationRating
from tests.factories import UserFactory
from tests.participation.factories import ConsultationFactory, OptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot():
    c = ConsultationFactory()
    return c, [OptionFactory(consultation=c, title=t) for t in ("A", "B", "C")]


def _rate(user, c, items):
    return services.consultation_rate_many(
        user=user, consultation_id=c.pk, ratings=items
    )


def _stored(c):
    return sorted(
        ConsultationRating.objects.filter(consultation=c).values_list(
            "option__title", "level", "contribution"
        )
    )


def test_several_options_rated_in_one_action_and_changed_later(ballot):
    c, (a, b, cc) = ballot
    user = UserFactory()
    _rate(
        user,
        c,
        [
            {"option": a.pk, "level": "high", "contribution": " Más luz "},
            {"option": str(b.pk), "level": "low"},
        ],
    )
    assert _stored(c) == [("A", "high", "Más luz"), ("B", "low", "")]
    _rate(
        user,
        c,
        [{"option": a.pk, "level": "medium"}, {"option": cc.pk, "level": "low"}],
    )
    assert _stored(c) == [("A", "medium", ""), ("B", "low", ""), ("C", "low", "")]


@pytest.mark.parametrize(
    "bad_item, error",
    [
        ({"option": "999999", "level": "high"}, "no pertenece"),
        ({"option": 2**31, "level": "high"}, "no pertenece"),
        ({"option": "9" * 40, "level": "high"}, "no pertenece"),
        ({"option": "-1", "level": "high"}, "no pertenece"),
        ({"option": "1e3", "level": "high"}, "no pertenece"),
        ({"option": True, "level": "high"}, "no pertenece"),
        ({"option": None, "level": "high"}, "no pertenece"),
        ({"option": "B", "level": "altísimo"}, "nivel de prioridad"),
        ({"option": "B", "level": "4"}, "nivel de prioridad"),
        ({"option": "B", "level": ""}, "nivel de prioridad"),
        ({"option": "B", "level": "high", "contribution": "a\x00b"}, "caracteres"),
        ({"option": "B", "level": "high", "contribution": "x" * 2001}, "demasiado"),
        ({"option": "A", "level": "low"}, "una sola vez"),
        ("not a mapping", "no válida"),
    ],
)
def test_bad_input_is_refused_whole_and_nothing_is_half_written(
    ballot, bad_item, error
):
    c, (a, b, _) = ballot
    user = UserFactory()
    _rate(user, c, [{"option": a.pk, "level": "low", "contribution": "antes"}])
    if isinstance(bad_item, dict) and bad_item.get("option") == "B":
        bad_item = {**bad_item, "option": b.pk}
    if isinstance(bad_item, dict) and bad_item.get("option") == "A":
        bad_item = {**bad_item, "option": a.pk}
    with pytest.raises(Invalid, match=error) as exc:
        _rate(user, c, [{"option": a.pk, "level": "high"}, bad_item])
    assert exc.value.status_code == 400
    assert _stored(c) == [("A", "low", "antes")]


def test_option_of_another_consultation_is_refused(ballot):
    c, (a, _, _) = ballot
    other = OptionFactory()
    with pytest.raises(Invalid):
        _rate(
            UserFactory(),
            c,
            [{"option": a.pk, "level": "high"}, {"option": other.pk, "level": "high"}],
        )
    assert not ConsultationRating.objects.exists()


def test_empty_or_oversized_submissions_are_refused(ballot):
    c, (a, _, _) = ballot
    user = UserFactory()
    with pytest.raises(Invalid, match="al menos una"):
        _rate(user, c, [])
    with pytest.raises(Invalid, match="más calificaciones"):
        _rate(user, c, [{"option": a.pk, "level": "high"}] * 4)
    with pytest.raises(Invalid):
        _rate(user, c, "high")


def test_who_may_rate(ballot):
    c, (a, _, _) = ballot
    item = [{"option": a.pk, "level": "high"}]
    for user in (AnonymousUser(), UserFactory(verified_email=False)):
        with pytest.raises(Forbidden) as exc:
            _rate(user, c, item)
        assert exc.value.status_code == 403
    inactive = UserFactory()
    inactive.is_active = False
    inactive.save()
    with pytest.raises(Forbidden):
        _rate(inactive, c, item)
    assert not ConsultationRating.objects.exists()


def test_only_while_open(ballot):
    c, (a, _, _) = ballot
    item = [{"option": a.pk, "level": "high"}]
    user = UserFactory()
    Consultation.objects.filter(pk=c.pk).update(status=Consultation.Status.DRAFT)
    with pytest.raises(NotFound):
        _rate(user, c, item)
    Consultation.objects.filter(pk=c.pk).update(status=Consultation.Status.SCHEDULED)
    with pytest.raises(Conflict):
        _rate(user, c, item)
    Consultation.objects.filter(pk=c.pk).update(
        status=Consultation.Status.OPEN,
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(seconds=1),
    )
    with pytest.raises(Conflict) as exc:
        _rate(user, c, item)
    assert exc.value.status_code == 409
    with pytest.raises(NotFound):
        services.consultation_rate_many(
            user=user, consultation_id="9" * 30, ratings=item
        )
    assert not ConsultationRating.objects.exists()


def test_single_option_service_refuses_huge_ids_and_nul(ballot):
    _, (a, _, _) = ballot
    user = UserFactory()
    with pytest.raises(NotFound):
        services.consultation_rate(user=user, option_id=2**63, level="high")
    with pytest.raises(ApplicationError, match="caracteres"):
        services.consultation_rate(
            user=user, option_id=a.pk, level="high", contribution="\x00"
        )


# --- the page -------------------------------------------------------------------------


def _post_data(options, levels, **extra):
    data = {"option": [str(o.pk) for o in options]}
    for o, level in zip(options, levels, strict=True):
        if level:
            data[f"level-{o.pk}"] = level
    data.update(extra)
    return data


def test_page_has_one_form_for_every_option(client, ballot):
    c, options = ballot
    client.force_login(UserFactory())
    body = client.get(
        reverse("participation:consultation_detail", args=[c.slug])
    ).content.decode()
    assert body.count('class="pa-rate-all"') == 1
    assert body.count('type="submit" data-focus-key="rate-all"') == 1
    for o in options:
        assert f'name="level-{o.pk}"' in body and f'name="contribution-{o.pk}"' in body


def test_rating_without_javascript_saves_all_and_redirects(client, ballot):
    c, (a, b, cc) = ballot
    client.force_login(UserFactory())
    url = reverse("participation:consultation_rate", args=[c.slug])
    r = client.post(
        url,
        _post_data([a, b, cc], ["high", "low", ""], **{f"contribution-{a.pk}": "Sí"}),
    )
    assert r.status_code == 302 and r["Location"].endswith("#h-options")
    assert _stored(c) == [("A", "high", "Sí"), ("B", "low", "")]
    page = client.get(r["Location"]).content.decode()
    assert "Calificaciones guardadas." in page
    assert f'id="lv-{a.pk}-high" name="level-{a.pk}" value="high" checked' in page


def test_refused_submission_without_javascript_is_a_400_that_keeps_the_input(
    client, ballot
):
    c, (a, b, _) = ballot
    client.force_login(UserFactory())
    url = reverse("participation:consultation_rate", args=[c.slug])
    r = client.post(
        url,
        _post_data([a, b], ["high", "nope"], **{f"contribution-{a.pk}": "Guardar"}),
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "<title>Error:" in body and "data-error-summary" in body
    assert f'href="#lv-{b.pk}-high"' in body
    assert "Guardar</textarea>" in body  # what was typed is not lost
    assert not ConsultationRating.objects.exists()
    # a duplicated option, a NUL, an unknown option: 400 each, nothing written
    for data in (
        {"option": [str(a.pk), str(a.pk)], f"level-{a.pk}": "high"},
        {
            "option": [str(a.pk)],
            f"level-{a.pk}": "high",
            f"contribution-{a.pk}": "\x00",
        },
        {
            "option": ["123456789012345678901234567890"],
            "level-123456789012345678901234567890": "high",
        },
        {"option": [str(a.pk)]},
    ):
        assert client.post(url, data).status_code == 400, data
    assert not ConsultationRating.objects.exists()


def test_rating_needs_a_verified_login(client, ballot):
    c, (a, _, _) = ballot
    url = reverse("participation:consultation_rate", args=[c.slug])
    r = client.post(url, _post_data([a], ["high"]))
    assert r.status_code == 302 and "login" in r["Location"]
    client.force_login(UserFactory(verified_email=False))
    r = client.post(url, _post_data([a], ["high"]))
    assert r.status_code == 403
    assert not ConsultationRating.objects.exists()
    assert client.get(url).status_code == 405


def test_htmx_rating_updates_counts_and_results_in_place(
    client, ballot, django_assert_max_num_queries
):
    c, (a, b, cc) = ballot
    ConsultationRating.objects.create(
        consultation=c, option=b, user=UserFactory(), level="low"
    )
    client.force_login(UserFactory())
    url = reverse("participation:consultation_rate", args=[c.slug])
    with django_assert_max_num_queries(15):  # the same at any number of options
        r = client.post(
            url,
            _post_data(
                [a, b, cc], ["high", "high", ""], **{f"contribution-{a.pk}": "Luz"}
            ),
            HTTP_HX_REQUEST="true",
        )
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="consultation-options"' in body and 'role="status"' in body
    assert "Se guardaron sus calificaciones de 2 opciones." in body
    assert '<dd id="consultation-participants" hx-swap-oob="true">2</dd>' in body
    assert 'id="consultation-results" hx-swap-oob="true"' in body
    # B: one "poco prioritario" (1) + one "muy prioritario" (3) = 4; A: 3
    assert (
        "<td><strong>4</strong></td>" in body and "<td><strong>3</strong></td>" in body
    )
    assert (
        'id="consultation-contributions" hx-swap-oob="true"' in body and "Luz" in body
    )


def test_htmx_refusal_is_shown_in_place_with_a_4xx(client, ballot):
    c, (a, _, _) = ballot
    client.force_login(UserFactory())
    url = reverse("participation:consultation_rate", args=[c.slug])
    r = client.post(url, _post_data([a], ["zzz"]), HTTP_HX_REQUEST="true")
    assert r.status_code == 400
    assert b"data-error-summary" in r.content and b"data-swap-errors" in r.content
    assert not ConsultationRating.objects.exists()


def test_htmx_rating_keeps_hidden_results_hidden(client):
    c = ConsultationFactory(hide_results_while_open=True)
    a = OptionFactory(consultation=c)
    OptionFactory(consultation=c)
    client.force_login(UserFactory())
    r = client.post(
        reverse("participation:consultation_rate", args=[c.slug]),
        _post_data([a], ["high"]),
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert 'class="pa-results"' not in body and "pa-chart" not in body
    assert "Los resultados se publicarán cuando la consulta cierre." in body
    assert '<dd id="consultation-participants" hx-swap-oob="true">1</dd>' in body
