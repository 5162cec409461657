"""Issue 12: after every in-place (htmx) update — support, withdraw, comment, reply, vote on
a comment, rating — keyboard focus stays on or next to the control that was used (it used
to fall to <body>). Each control is pressed with the keyboard."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import login
from tests.factories import UserFactory
from tests.participation.factories import (
    CommentFactory,
    ConsultationFactory,
    OptionFactory,
    ProposalFactory,
)

PASSWORD = "clave-segura-123"
ACTIVE = (
    "(() => { const a = document.activeElement;"
    " return {tag: a.tagName, key: a.getAttribute('data-focus-key') || '', id: a.id,"
    " text: (a.innerText || '').trim()}; })()"
)


def press(page, selector):
    page.focus(selector)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    page.wait_for_timeout(300)  # htmx settles after the swap (20 ms by default)
    return page.evaluate(ACTIVE)


@pytest.mark.django_db(transaction=True)
def test_focus_stays_after_support_withdraw_comment_vote_and_reply(page):
    citizen = UserFactory(password=PASSWORD)
    proposal = ProposalFactory()
    other = CommentFactory(target_id=proposal.pk)
    login(page, email=citizen.email, password=PASSWORD)
    page.goto(reverse("participation:proposal_detail", args=[proposal.pk]))

    active = press(page, f"#support-box-{proposal.pk} button[type=submit]")
    assert page.locator("[data-testid=support-count]").inner_text() == "1"
    assert active["key"] == f"support-{proposal.pk}", active

    active = press(page, f"#support-box-{proposal.pk} button[type=submit]")
    assert page.locator("[data-testid=support-count]").inner_text() == "0"
    assert active["key"] == f"support-{proposal.pk}", active

    page.wait_for_selector(f"#comment-new-{proposal.pk}")
    page.fill(f"#comment-new-{proposal.pk}", "Un comentario desde el teclado")
    active = press(page, "form.pa-comment-form button[type=submit]")
    assert "Un comentario desde el teclado" in page.locator(".pa-comments").inner_text()
    assert active["key"] == f"comment-new-{proposal.pk}", active

    active = press(page, f"[data-focus-key='up-{other.pk}']")
    assert active["key"] == f"up-{other.pk}", active

    page.click(f"#comentario-{other.pk} details.pa-reply summary")
    page.fill(f"#reply-{other.pk}", "Una respuesta desde el teclado")
    active = press(page, f"#comentario-{other.pk} details.pa-reply button[type=submit]")
    assert "Una respuesta desde el teclado" in page.locator(".pa-comments").inner_text()
    # The reply form closed with the update: focus is on its "Responder" button.
    assert active["tag"] == "SUMMARY" and "Responder" in active["text"], active


@pytest.mark.django_db(transaction=True)
def test_focus_stays_after_a_rating(page):
    citizen = UserFactory(password=PASSWORD)
    consultation = ConsultationFactory()
    first = OptionFactory(consultation=consultation)
    OptionFactory(consultation=consultation)
    login(page, email=citizen.email, password=PASSWORD)
    page.goto(reverse("participation:consultation_detail", args=[consultation.slug]))
    page.check(f"#lv-{first.pk}-high")
    active = press(page, "#consultation-options button[type=submit]")
    assert page.locator("#consultation-options [role=status]").count() == 1
    assert active["key"] == "rate-all", active


@pytest.mark.django_db(transaction=True)
def test_footer_rating_in_place_keeps_focus_and_stores_no_cookie(page):
    from openlima.models import PlatformRating
    from tests.e2e.conftest import assert_no_axe_violations

    page.goto("/denuncias/")
    assert_no_axe_violations(page)
    cookies_before = page.context.cookies()
    page.check("#fb-page-4")
    page.fill("#fb-page-comment", "Claro y rápido")
    active = press(page, "footer [data-focus-key='feedback-page']")
    assert active["key"] == "feedback-page", active
    assert "Gracias" in page.locator("footer [role=status]").inner_text()
    rating = PlatformRating.objects.get()
    assert (rating.part, rating.score, rating.comment) == (
        "complaints",
        4,
        "Claro y rápido",
    )
    assert page.context.cookies() == cookies_before
