"""Issue 12: "¿Le fue útil?" — an anonymous 1–5 rating with an optional comment, posted to
one endpoint with the part of the portal; no account, no cookie, no address stored,
rate-limited per client; feeds the home indicator, an open dataset and the moderators."""

import pytest
from django.urls import reverse

from openlima import feedback, registry, roles
from openlima.models import PlatformRating
from tests.factories import StaffFactory

URL = "/valoracion/"


def post(client, addr="10.0.0.1", headers=None, **data):
    payload = {"score": "4", "part": "participation", "moment": "page", "comment": ""}
    payload.update(data)
    return client.post(URL, payload, REMOTE_ADDR=addr, headers=headers or {})


@pytest.mark.django_db
def test_a_rating_is_stored_without_anything_that_identifies(client):
    response = post(
        client, score="5", part="complaints", moment="complaint", comment="Bien"
    )
    assert response.status_code == 200
    assert "Gracias por su valoración" in response.content.decode()
    assert "Set-Cookie" not in response.headers and not response.cookies
    rating = PlatformRating.objects.get()
    assert (rating.score, rating.part, rating.moment, rating.comment) == (
        5,
        "complaints",
        "complaint",
        "Bien",
    )
    assert not rating.reviewed  # a comment waits for a moderator
    fields = {f.name for f in PlatformRating._meta.get_fields()}
    assert fields == {
        "id",
        "part",
        "moment",
        "score",
        "comment",
        "created_on",
        "reviewed",
    }


@pytest.mark.django_db
def test_htmx_gets_the_fragment_that_keeps_the_focus(client):
    response = post(client, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'data-focus-key="feedback-page"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"score": ""},
        {"score": "0"},
        {"score": "6"},
        {"score": "cuatro"},
        {"score": "9" * 40},
        {"score": "4\x00"},
        {"part": "nada"},
        {"part": ""},
        {"moment": "x" * 50},
        {"comment": "a\x00b"},
        {"comment": "x" * 1001},
    ],
)
def test_bad_input_is_a_clear_400_and_nothing_is_written(client, data):
    response = post(client, **data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert PlatformRating.objects.count() == 0


@pytest.mark.django_db
def test_html_in_a_comment_is_kept_as_text_and_shown_escaped(
    client, staff_client_factory
):
    post(client, comment="<script>alert(1)</script>")
    moderator = staff_client_factory(StaffFactory(roles=[roles.MODERATOR]))
    page = moderator.get(reverse("admin:openlima_platformrating_changelist"))
    assert "&lt;script&gt;" in page.content.decode()
    assert "<script>alert(1)" not in page.content.decode()


@pytest.mark.django_db
def test_rate_limited_per_client_without_storing_the_address(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 3
    for _ in range(3):
        assert post(client, addr="10.9.9.9").status_code == 200
    refused = post(client, addr="10.9.9.9")
    assert refused.status_code == 429
    assert "Inténtelo de nuevo más tarde" in refused.content.decode()
    assert post(client, addr="10.9.9.8").status_code == 200  # another client
    assert PlatformRating.objects.count() == 4
    assert "10.9.9.9" not in feedback._client_bucket("10.9.9.9")


@pytest.mark.django_db
def test_cross_site_posts_are_refused(client):
    response = post(client, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert PlatformRating.objects.count() == 0


@pytest.mark.django_db
def test_get_shows_the_form_page_and_other_methods_are_refused(client):
    assert client.get(URL).status_code == 200
    assert client.put(URL).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,part",
    [
        ("/", "home"),
        ("/compromisos/", "commitments"),
        ("/denuncias/", "complaints"),
        ("/participa/", "participation"),
        ("/datos/", "opendata"),
        ("/privacidad/", "other"),
    ],
)
def test_every_public_page_has_the_footer_form_with_its_part(client, path, part):
    body = client.get(path).content.decode()
    footer = body[body.index('<footer class="site-footer"') :]
    assert 'action="/valoracion/"' in footer
    assert f'name="part" value="{part}"' in footer
    assert "csrfmiddlewaretoken" not in footer  # no cookie needed or set
    assert "¿Le fue útil esta página?" in footer


@pytest.mark.django_db
def test_complaint_footer_form_carries_no_address_or_code(client):
    response = client.get("/denuncias/")
    footer = response.content.decode().split('<footer class="site-footer"')[1]
    form = footer.split("</form>")[0]
    assert "/denuncias/" not in form and "next" not in form
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.django_db
def test_english_footer(client):
    body = client.get("/en/").content.decode()
    assert "Was this page useful?" in body
    assert "Send rating" in body


@pytest.mark.django_db
def test_results_feed_the_home_indicator_per_part(client):
    from openlima.selectors import indicators_refresh

    for score, part in [(5, "participation"), (4, "participation"), (2, "opendata")]:
        PlatformRating.objects.create(score=score, part=part)
    indicators_refresh()
    body = client.get("/").content.decode()
    card = body.split('data-testid="platform-rating"')[1].split("</li>")[0]
    assert "3,7 / 5" in card and "3 valoraciones" in card
    table = body.split('id="ind-feedback"')[1].split("</table>")[0]
    assert "Participación" in table and "4,5 / 5" in table
    assert "Datos abiertos" in table and "2,0 / 5" in table


@pytest.mark.django_db
def test_open_dataset_counts_scores_and_publishes_no_comment():
    PlatformRating.objects.create(score=5, part="home", comment="secreto")
    PlatformRating.objects.create(score=5, part="home")
    PlatformRating.objects.create(score=1, part="home")
    spec = registry.provider("dataset:valoracion-plataforma")()
    assert spec["columns"][:3] == ["fecha", "parte", "momento"]
    [row] = spec["rows"]
    assert (row["parte"], row["puntaje_5"], row["puntaje_1"], row["puntaje_3"]) == (
        "home",
        2,
        1,
        0,
    )
    assert "secreto" not in str(spec)


@pytest.mark.django_db
def test_comments_go_to_moderators_only(client, staff_client_factory):
    PlatformRating.objects.create(
        score=2, part="budgets", comment="No encontré la oficina"
    )
    url = reverse("admin:openlima_platformrating_changelist")
    other = staff_client_factory(StaffFactory(roles=[roles.DATA_PUBLISHER]))
    assert other.get(url).status_code == 403
    client.logout()
    moderator_user = StaffFactory(roles=[roles.MODERATOR])
    moderator = staff_client_factory(moderator_user)
    page = moderator.get(url)
    assert page.status_code == 200 and "No encontré la oficina" in page.content.decode()
    tasks = registry.provider("staff_tasks:openlima")(user=moderator_user)
    assert tasks[0]["count"] == 1


@pytest.mark.django_db
def test_post_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert post(client).status_code == 200


@pytest.mark.django_db
def test_journey_ends_show_the_rating(rf):
    """A message tagged "feedback-<moment>" (a cast ballot, a published proposal) is
    followed by the journey's form; the complaint receipt and dataset pages include it."""
    from django.contrib.messages import SUCCESS
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.resolver_match = None
    html = render_to_string(
        "base.html",
        {
            "messages": [
                Message(SUCCESS, "Su voto quedó registrado.", "feedback-ballot")
            ]
        },
        request=request,
    )
    assert (
        "¿Le fue útil este trámite?" in html and 'name="moment" value="ballot"' in html
    )
    assert 'class="message message-success"' in html


@pytest.mark.django_db
def test_publishing_a_proposal_ends_with_the_rating(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post(
        reverse("participation:proposal_create"),
        {
            "title": "Más árboles en la avenida",
            "summary": "Sombra para quienes caminan.",
            "body": "Plantar árboles nativos en la berma central.",
            "topic": "participacion",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Su propuesta está publicada." in html
    assert 'name="moment" value="proposal"' in html


@pytest.mark.django_db
def test_the_footer_form_rendered_once_per_language_and_part_stays_right(
    client, settings
):
    """The footer form's HTML is kept per process (openlima/templatetags/openlima.py):
    each language and part of the portal still gets its own."""
    settings.DEBUG = False
    from openlima.templatetags import openlima as tags

    tags.memo_clear()
    for _ in range(2):
        spanish = client.get("/participa/propuestas/").content.decode()
        english = client.get("/en/participa/propuestas/").content.decode()
        data = client.get("/datos/").content.decode()
        assert "¿Le fue útil esta página?" in spanish
        assert "¿Le fue útil esta página?" not in english
        assert 'hx-post="/en/valoracion/"' in english
        assert 'hx-post="/valoracion/"' in spanish
        part = 'name="part" value="{}"'
        assert part.format("participation") in spanish
        assert part.format("opendata") in data
    assert len([key for key in tags._MEMO_HTML if key[0] == "feedback"]) == 3
