"""A draft made public later by a save (no `publish_at`) is announced to the followers of
matching searches on its transition to public, once (docs/contracting.md, "Follows")."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from contracting import services
from contracting.models import ContractingProcess, Follow

pytestmark = pytest.mark.django_db


def test_a_draft_published_later_by_a_save_is_announced_once(user, make_process):
    draft = make_process("Losa deportiva en Comas", starts_ago=1, published=False)
    follow = Follow.objects.create(
        user=user, query="district=comas", label="Obras en Comas"
    )
    # The citizen subscribes while staff prepare the call: the follow is newer than the
    # draft, so the draft's creation date alone can never announce it.
    assert follow.last_notified_at >= draft.created_at
    services.publish_and_notify(now=timezone.now())
    assert mail.outbox == []  # still a draft

    draft = ContractingProcess.objects.get(pk=draft.pk)
    draft.is_published = True  # what the /gestion/ form does
    draft.save()
    services.publish_and_notify(now=timezone.now() + timedelta(seconds=1))
    assert len(mail.outbox) == 1
    assert "Losa deportiva en Comas" in mail.outbox[0].body

    # Later runs, later saves and an unpublish/republish do not announce it again.
    services.publish_and_notify(now=timezone.now() + timedelta(minutes=1))
    draft.is_published = False
    draft.save()
    draft.is_published = True
    draft.save()
    services.publish_and_notify(now=timezone.now() + timedelta(minutes=2))
    assert len(mail.outbox) == 1


def test_a_scheduled_publication_is_announced_once(user, make_process):
    draft = make_process("Pistas en Comas", starts_ago=1, published=False)
    Follow.objects.create(user=user, query="district=comas", label="Obras en Comas")
    now = timezone.now()
    ContractingProcess.objects.filter(pk=draft.pk).update(
        publish_at=now + timedelta(minutes=5)
    )
    services.publish_and_notify(now=now + timedelta(minutes=1))
    assert mail.outbox == []
    services.publish_and_notify(now=now + timedelta(minutes=6))
    assert len(mail.outbox) == 1
    services.publish_and_notify(now=now + timedelta(minutes=7))
    assert len(mail.outbox) == 1
