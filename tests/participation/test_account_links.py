"""Issue 12: "Mi cuenta" links to my proposals, supports, follows (with unfollow),
sessions, notices, and resident verification when not verified."""

import pytest
from django.urls import reverse

from participation.models import Follow, SessionRegistration
from tests.factories import UserFactory
from tests.participation.factories import (
    ConsultationFactory,
    ProposalFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_account_page_links_to_my_activity(client):
    user = UserFactory()
    client.force_login(user)
    body = client.get(reverse("account_profile")).content.decode()
    for name in ["my_proposals", "my_supports", "my_follows", "my_sessions"]:
        assert f'href="{reverse("participation:" + name)}"' in body, name
    assert f'href="{reverse("participation:notification_settings")}"' in body
    assert f'href="{reverse("budgets:verification")}"' in body
    user.is_verified_resident = True
    user.save(update_fields=["is_verified_resident"])
    body = client.get(reverse("account_profile")).content.decode()
    assert f'href="{reverse("budgets:verification")}"' not in body


def test_my_follows_lists_and_unfollows(client, django_assert_max_num_queries):
    user = UserFactory()
    proposal = ProposalFactory(title="Más bancas en el parque")
    consultation = ConsultationFactory(title="Prioridades 2027")
    Follow.objects.create(user=user, kind="proposal", target_id=proposal.pk)
    Follow.objects.create(user=user, kind="consultation", target_id=consultation.pk)
    Follow.objects.create(user=UserFactory(), kind="proposal", target_id=proposal.pk)
    client.force_login(user)
    url = reverse("participation:my_follows")
    with django_assert_max_num_queries(12):
        body = client.get(url).content.decode()
    assert "Más bancas en el parque" in body and "Prioridades 2027" in body
    r = client.post(
        reverse("participation:follow", args=["proposal", proposal.pk]),
        {"action": "unfollow", "next": url},
    )
    assert r.status_code == 302 and r["Location"] == url
    assert not Follow.objects.filter(user=user, kind="proposal").exists()
    assert Follow.objects.filter(kind="proposal").count() == 1  # the other person's


def test_my_sessions_lists_mine_only(client):
    user = UserFactory()
    mine = SessionFactory(title="Cabildo de Comas")
    other = SessionFactory(title="Cabildo ajeno")
    SessionRegistration.objects.create(session=mine, user=user, status="confirmed")
    SessionRegistration.objects.create(
        session=other, user=UserFactory(), status="confirmed"
    )
    client.force_login(user)
    body = client.get(reverse("participation:my_sessions")).content.decode()
    assert "Cabildo de Comas" in body and "Cabildo ajeno" not in body


def test_my_pages_need_login(client):
    for name in ["my_follows", "my_sessions"]:
        r = client.get(reverse("participation:" + name))
        assert r.status_code == 302 and "/cuenta/login/" in r["Location"]
