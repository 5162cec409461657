import pytest
from django.urls import reverse

from openlima import roles
from openlima.models import District, OrgUnit
from participation import services
from participation.models import Comment, Proposal, Support
from tests.conftest import login_with_2fa
from tests.factories import StaffFactory, UserFactory

from .factories import (
    CommentFactory,
    ConsultationFactory,
    OptionFactory,
    ProposalFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _many_proposals(n):
    author = UserFactory()
    districts = list(District.objects.all()[:5])
    ProposalFactory.reset_sequence()
    base = ProposalFactory.build()
    Proposal.objects.bulk_create(
        [
            Proposal(
                author=author,
                title=f"Propuesta masiva {i}",
                summary="s",
                body="b" * 20,
                topic="movilidad" if i % 2 else "ambiente",
                district=districts[i % len(districts)] if districts else None,
                support_count=i % 17,
                support_ends_at=base.support_ends_at,
            )
            for i in range(n)
        ]
    )


def test_public_pages_render(client):
    p = ProposalFactory()
    c = ConsultationFactory()
    OptionFactory(consultation=c)
    s = SessionFactory()
    district = District.objects.first()
    for url in [
        reverse("participation:index"),
        reverse("participation:proposal_list"),
        reverse("participation:proposal_detail", args=[p.pk]),
        reverse("participation:consultation_list"),
        reverse("participation:consultation_detail", args=[c.slug]),
        reverse("participation:session_list"),
        reverse("participation:session_detail", args=[s.pk]),
        reverse("participation:district_list"),
        reverse("participation:district_detail", args=[district.slug]),
        reverse("participation:moderation_log"),
        reverse("participation:comments", args=["participation.proposal", p.pk]),
        "/en" + reverse("participation:proposal_list"),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "query",
    [
        "?orden=apoyos",
        "?estado=evaluation",
        "?estado=all",
        "?tema=movilidad",
        "?distrito=ciudad",
        "?q=masiva",
        "?q=masiva&page=abc",
        "?despues=%%%%",
        "?despues=MTIz",
        "?orden=apoyos&despues=bm9wZQ",
        "?q=" + "x" * 500,
    ],
)
def test_list_filters_and_bad_cursors_never_500(client, query):
    _many_proposals(30)
    assert client.get(reverse("participation:proposal_list") + query).status_code == 200


def test_keyset_pagination_walks_every_proposal_once(client):
    _many_proposals(45)
    from participation.selectors import ProposalFilters, proposal_list

    for order in ("newest", "supported"):
        seen, cursor = [], ""
        for _ in range(10):
            page = proposal_list(filters=ProposalFilters(order=order, after=cursor))
            seen += [p.pk for p in page.items]
            cursor = page.next_cursor
            if not cursor:
                break
        assert len(seen) == 45 == len(set(seen)), order


def test_proposal_list_query_count_is_bounded(client, django_assert_max_num_queries):
    _many_proposals(300)
    user = UserFactory()
    Support.objects.bulk_create(
        [Support(proposal=p, user=user) for p in Proposal.objects.all()[:30]]
    )
    client.force_login(user)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("participation:proposal_list") + "?orden=apoyos")
    assert r.status_code == 200
    assert r.content.count(b'class="card pa-card"') == 20
    with django_assert_max_num_queries(10):
        client.get(
            reverse("participation:proposal_list") + "?distrito=ciudad&tema=ambiente"
        )


def test_proposal_page_query_count_with_many_comments(
    client, django_assert_max_num_queries
):
    p = ProposalFactory()
    authors = [UserFactory() for _ in range(8)]
    roots = [CommentFactory(target_id=p.pk, author=authors[i % 8]) for i in range(25)]
    for i, root in enumerate(roots):
        reply = CommentFactory(
            target_id=p.pk,
            author=authors[(i + 1) % 8],
            parent=root,
            depth=1,
            root_id=root.pk,
        )
        CommentFactory(
            target_id=p.pk,
            author=authors[(i + 2) % 8],
            parent=reply,
            depth=2,
            root_id=root.pk,
        )
    viewer = UserFactory()
    client.force_login(viewer)
    with django_assert_max_num_queries(20):
        r = client.get(reverse("participation:proposal_detail", args=[p.pk]))
    assert r.status_code == 200
    assert r.content.count(b'class="pa-comment"') == 75


def test_consultation_page_query_count(client, django_assert_max_num_queries):
    c = ConsultationFactory()
    options = [OptionFactory(consultation=c) for _ in range(12)]
    users = [UserFactory() for _ in range(15)]
    from participation.models import ConsultationRating

    ConsultationRating.objects.bulk_create(
        [
            ConsultationRating(
                consultation=c, option=o, user=u, level="high", contribution="aporte"
            )
            for o in options
            for u in users
        ]
    )
    client.force_login(users[0])
    with django_assert_max_num_queries(22):
        r = client.get(reverse("participation:consultation_detail", args=[c.slug]))
    assert r.status_code == 200
    assert b"<strong>45</strong>" in r.content  # 15 × weight 3


def test_district_page_query_count(client, django_assert_max_num_queries):
    _many_proposals(100)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("participation:district_list")).status_code == 200


def test_create_requires_login_and_verified_email(client):
    url = reverse("participation:proposal_create")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(verified_email=False))
    assert client.get(url).status_code == 403
    r = client.post(
        url,
        {
            "title": "Título válido",
            "summary": "s",
            "body": "cuerpo suficiente",
            "topic": "otros",
        },
    )
    assert r.status_code == 403 and not Proposal.objects.exists()


def test_create_through_the_form(client):
    client.force_login(UserFactory())
    r = client.post(
        reverse("participation:proposal_create"),
        {
            "title": "Bancas en el parque",
            "summary": "Más bancas",
            "body": "Necesitamos más bancas.",
            "topic": "ambiente",
        },
    )
    p = Proposal.objects.get()
    assert r.status_code == 302 and r.url == reverse(
        "participation:proposal_detail", args=[p.pk]
    )


def test_create_form_errors_are_shown(client):
    client.force_login(UserFactory())
    r = client.post(
        reverse("participation:proposal_create"),
        {"title": "", "summary": "", "body": "", "topic": "zzz"},
    )
    assert r.status_code == 200 and b'class="error"' in r.content
    assert not Proposal.objects.exists()


def test_edit_page_forbidden_for_others_and_after_support(client):
    p = ProposalFactory()
    client.force_login(UserFactory())
    assert (
        client.get(reverse("participation:proposal_edit", args=[p.pk])).status_code
        == 403
    )
    services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    client.force_login(p.author)
    r = client.post(
        reverse("participation:proposal_edit", args=[p.pk]),
        {
            "title": "Cambio tardío",
            "summary": "s",
            "body": "cuerpo suficiente",
            "topic": "otros",
        },
    )
    assert r.status_code == 200 and b"apoyos" in r.content
    p.refresh_from_db()
    assert p.title != "Cambio tardío"


def test_support_plain_form_and_htmx_partial(client):
    p = ProposalFactory()
    client.force_login(UserFactory())
    url = reverse("participation:proposal_support", args=[p.pk])
    r = client.post(url, {"action": "support"})
    assert r.status_code == 302
    r = client.post(url, {"action": "support"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert b'data-testid="support-count">1<' in r.content
    assert b"<html" not in r.content
    r = client.post(url, {"action": "unsupport"}, HTTP_HX_REQUEST="true")
    assert b'data-testid="support-count">0<' in r.content


def test_support_anonymous_redirects_to_login(client):
    p = ProposalFactory()
    r = client.post(reverse("participation:proposal_support", args=[p.pk]))
    assert r.status_code == 302 and "login" in r.url
    assert not Support.objects.exists()


def test_support_on_unknown_proposal_is_404(client):
    client.force_login(UserFactory())
    r = client.post(
        reverse("participation:proposal_support", args=[999999]), HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 404


def test_answer_page_needs_2fa_staff_of_the_assigned_unit(client, threshold):
    p = ProposalFactory()
    for _ in range(threshold):
        services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    url = reverse("participation:proposal_answer", args=[p.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    other = StaffFactory(
        roles=[roles.UNIT_EDITOR], org_unit=OrgUnit.objects.get(slug="sgdi")
    )
    login_with_2fa(client, other)
    from openlima.demo import totp_activate

    totp_activate(user=other, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert client.get(url).status_code == 403
    editor = StaffFactory(
        roles=[roles.UNIT_EDITOR],
        org_unit=OrgUnit.objects.get(slug="participacion-vecinal"),
    )
    client.force_login(editor)  # no second factor in this session
    assert client.get(url).status_code == 403
    totp_activate(user=editor, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    login_with_2fa(client, editor)
    assert client.get(url).status_code == 200
    r = client.post(
        url, {"outcome": "not_viable", "answer": "No es competencia municipal."}
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.outcome == "not_viable"
    page = client.get(reverse("participation:proposal_detail", args=[p.pk]))
    assert b"No es competencia municipal." in page.content


def test_proposal_page_shows_linked_commitment_progress(client, fake_commitments):
    p = ProposalFactory(
        status="answered", outcome="accepted", answer="Sí.", commitment_id=7
    )
    r = client.get(reverse("participation:proposal_detail", args=[p.pk]))
    assert b'data-testid="linked-commitment"' in r.content
    assert (
        b'value="40"' in r.content
        and fake_commitments[7]["title"].encode() in r.content
    )


def test_comment_post_htmx_and_hidden_reason_shown_in_place(client):
    p = ProposalFactory()
    client.force_login(UserFactory())
    url = reverse("participation:comments", args=["participation.proposal", p.pk])
    r = client.post(url, {"body": "Me parece bien"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"Me parece bien" in r.content
    c = Comment.objects.get()
    services.comment_moderate(
        moderator=StaffFactory(roles=[roles.MODERATOR]),
        comment_id=c.pk,
        hide=True,
        reason="Datos personales",
    )
    page = client.get(reverse("participation:proposal_detail", args=[p.pk]))
    assert b"Datos personales" in page.content and b"Me parece bien" not in page.content
    log = client.get(reverse("participation:moderation_log"))
    assert b"Datos personales" in log.content and b"Me parece bien" not in log.content


def test_comment_post_bad_input_no_500(client):
    p = ProposalFactory()
    client.force_login(UserFactory())
    url = reverse("participation:comments", args=["participation.proposal", p.pk])
    assert client.post(url, {"body": ""}).status_code == 302
    assert client.post(url, {"body": "x", "parent": "abc"}).status_code == 302
    assert (
        client.post(url, {"body": "x" * 5000}, HTTP_HX_REQUEST="true").status_code
        == 200
    )
    assert (
        client.post(
            reverse("participation:comments", args=["auth.user", 1]), {"body": "x"}
        ).status_code
        == 404
    )
    assert not Comment.objects.exists()


def test_comment_moderate_page_moderator_only(client):
    c = CommentFactory()
    url = reverse("participation:comment_moderate", args=[c.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory(roles=[roles.MODERATOR]))
    assert client.post(url, {"action": "hide", "reason": "Spam"}).status_code == 302
    c.refresh_from_db()
    assert c.status == "hidden"


def test_comment_include_lazy_loads_for_other_apps():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("es"):
        html = render_to_string(
            "participation/includes/comments.html",
            {"target_type": "commitments.commitment", "target_id": 7},
        )
    assert 'hx-get="/participa/comentarios/commitments.commitment/7/"' in html
    assert 'href="/participa/comentarios/commitments.commitment/7/"' in html


def test_session_registration_views(client):
    s = SessionFactory(capacity=1)
    client.force_login(UserFactory())
    url = reverse("participation:session_register", args=[s.pk])
    assert client.post(url).status_code == 302
    s.refresh_from_db()
    assert s.registered_count == 1
    assert client.post(url, {"action": "cancel"}).status_code == 302
    s.refresh_from_db()
    assert s.registered_count == 0


def test_my_lists(client):
    user = UserFactory()
    mine = ProposalFactory(author=user)
    other = ProposalFactory()
    services.proposal_support(user=user, proposal_id=other.pk)
    client.force_login(user)
    r = client.get(reverse("participation:my_proposals"))
    assert mine.title.encode() in r.content and other.title.encode() not in r.content
    r = client.get(reverse("participation:my_supports"))
    assert other.title.encode() in r.content and mine.title.encode() not in r.content


def test_english_catalogue_complete_and_used(client):
    import re
    from pathlib import Path

    import participation

    po = Path(participation.__file__).parent / "locale/en/LC_MESSAGES/django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    assert not re.search(r'^msgstr(\[\d\])? ""\n\n', text.split("\n\n", 1)[1], re.M)
    r = client.get("/en" + reverse("participation:proposal_list").removeprefix("/en"))
    assert b"Citizen proposals" in r.content


def test_other_public_pages_query_counts(client, django_assert_max_num_queries):
    from participation.models import Session

    _many_proposals(120)
    district = District.objects.order_by("name").first()
    sessions = [SessionFactory(district=district) for _ in range(15)]
    Session.objects.filter(pk__in=[s.pk for s in sessions[:5]]).update(
        status="closed", attendance_count=9
    )
    for p in Proposal.objects.all()[:20]:
        sessions[0].proposals.add(p)
    mod = StaffFactory(roles=[roles.MODERATOR])
    for c in [CommentFactory() for _ in range(30)]:
        services.comment_moderate(moderator=mod, comment_id=c.pk, hide=True, reason="x")
    for _ in range(12):
        ConsultationFactory()
    pages = {
        reverse("participation:index"): 10,
        reverse("participation:session_list"): 6,
        reverse("participation:session_detail", args=[sessions[0].pk]): 6,
        reverse("participation:district_detail", args=[district.slug]): 10,
        reverse("participation:moderation_log"): 4,
        reverse("participation:consultation_list"): 4,
        "/api/v1/proposals/": 6,
        "/api/v1/sessions/": 6,
    }
    for url, bound in pages.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


def test_consultation_api_list_query_count(client, django_assert_max_num_queries):
    users = [UserFactory() for _ in range(3)]
    from participation.models import ConsultationRating

    for _ in range(10):
        c = ConsultationFactory()
        for o in [OptionFactory(consultation=c) for _ in range(4)]:
            ConsultationRating.objects.bulk_create(
                [
                    ConsultationRating(consultation=c, option=o, user=u, level="low")
                    for u in users
                ]
            )
    with django_assert_max_num_queries(5):
        r = client.get("/api/v1/consultations/")
    assert r.status_code == 200
    assert all(opt["score"] == 3 for c in r.json()["results"] for opt in c["results"])


def test_comment_roots_paginate_with_keyset(client):
    from participation.selectors import comment_thread

    p = ProposalFactory()
    author = UserFactory()
    roots = [CommentFactory(target_id=p.pk, author=author) for _ in range(5)]
    first = comment_thread(
        target_type="participation.proposal", target_id=p.pk, roots_limit=3
    )
    assert [n.comment.pk for n in first["nodes"]] == [c.pk for c in roots[:3]]
    assert first["truncated"] and first["next_after"] == roots[2].pk
    url = reverse("participation:comments", args=["participation.proposal", p.pk])
    r = client.get(f"{url}?desde={roots[2].pk}")
    assert f'id="comentario-{roots[3].pk}"'.encode() in r.content
    assert f'id="comentario-{roots[0].pk}"'.encode() not in r.content
    assert client.get(f"{url}?desde=abc").status_code == 200


def test_session_cancel_notifies_registered(client, staff_client_factory):
    from participation.models import Notification

    unit = OrgUnit.objects.get(slug="participacion-vecinal")
    s = SessionFactory(organiser_unit=unit)
    citizen = UserFactory()
    services.session_register(user=citizen, session_id=s.pk)
    url = reverse("participation:session_cancel", args=[s.pk])
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    editor = StaffFactory(roles=[roles.UNIT_EDITOR], org_unit=unit)
    staff = staff_client_factory(editor)
    assert staff.post(url, {"reason": "Lluvia intensa"}).status_code == 302
    s.refresh_from_db()
    assert s.status == "cancelled"
    n = Notification.objects.get(user=citizen, kind="session.cancelled")
    assert "Lluvia intensa" in n.text


def test_anonymous_htmx_write_redirects_whole_page_to_login(client):
    p = ProposalFactory()
    r = client.post(
        reverse("participation:proposal_support", args=[p.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_REFERER="http://testserver/participa/propuestas/",
    )
    assert r.status_code == 200 and "login" in r["HX-Redirect"]
    assert not Support.objects.exists()


def test_notification_settings_page(client):
    from participation.models import NotificationSettings

    user = UserFactory()
    client.force_login(user)
    url = reverse("participation:notification_settings")
    assert client.get(url).status_code == 200
    assert client.post(url, {"frequency": "immediate"}).status_code == 302
    prefs = NotificationSettings.objects.get(user=user)
    assert (prefs.frequency, prefs.follow_own_proposals) == ("immediate", False)
    r = client.post(url, {"frequency": "hourly"})
    assert r.status_code == 200
    assert NotificationSettings.objects.get(user=user).frequency == "immediate"


def test_create_with_image_through_the_form(client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buf, format="PNG")
    client.force_login(UserFactory())
    data = {
        "title": "Murales en el parque",
        "summary": "Arte urbano",
        "body": "Murales pintados por vecinos.",
        "topic": "cultura",
        "image_alt": "Boceto del mural",
    }
    r = client.post(
        reverse("participation:proposal_create"),
        {**data, "image": SimpleUploadedFile("m.png", buf.getvalue(), "image/png")},
    )
    assert r.status_code == 302
    p = Proposal.objects.get()
    assert p.image and p.image_alt == "Boceto del mural"
    page = client.get(reverse("participation:proposal_detail", args=[p.pk]))
    assert b'alt="Boceto del mural"' in page.content
    r = client.post(
        reverse("participation:proposal_create"),
        {
            **data,
            "image": SimpleUploadedFile("x.png", b"GIF89a" + b"0" * 100, "image/png"),
        },
    )
    assert r.status_code == 200 and Proposal.objects.count() == 1


def test_moderator_confirms_an_auto_hidden_comment(client):
    c = CommentFactory(status="review", hidden_reason="reportes")
    client.force_login(StaffFactory(roles=[roles.MODERATOR]))
    url = reverse("participation:comment_moderate", args=[c.pk])
    page = client.get(url)
    assert b'value="hide"' in page.content and b'value="restore"' in page.content
    client.post(url, {"action": "hide", "reason": "Insultos"})
    c.refresh_from_db()
    assert (c.status, c.hidden_reason) == ("hidden", "Insultos")


def test_follow_unknown_target(client):
    client.force_login(UserFactory())
    r = client.post(reverse("participation:follow", args=["proposal", 999999]))
    assert r.status_code == 302
    from participation.models import Follow

    assert not Follow.objects.exists()


def test_signed_in_proposal_page_checks_participation_once_and_counts_loaded_comments(
    client,
):
    """The signed-in proposal page asks once whether the visitor may participate (the
    comment thread reuses the answer) and counts a fully loaded thread without a COUNT
    query; the total shown is still every comment."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participation import selectors

    p = ProposalFactory()
    root = CommentFactory(target_id=p.pk)
    CommentFactory(target_id=p.pk, parent=root, depth=1, root_id=root.pk)
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(reverse("participation:proposal_detail", args=[p.pk]))
    assert r.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum("account_emailaddress" in s for s in sqls) == 1, sqls
    assert not any("COUNT(" in s and "participation_comment" in s for s in sqls), sqls
    thread = selectors.comment_thread(
        target_type="participation.proposal", target_id=p.pk
    )
    assert thread["total"] == 2
    # A truncated thread still counts every comment.
    for _ in range(3):
        CommentFactory(target_id=p.pk)
    thread = selectors.comment_thread(
        target_type="participation.proposal", target_id=p.pk, roots_limit=2
    )
    assert thread["truncated"] and thread["total"] == 5
