"""Supports under real concurrency on PostgreSQL: separate threads, separate connections."""

import threading

import pytest
from django.db import connection

from participation import services
from participation.models import Proposal, Support
from tests.factories import UserFactory

from .factories import ProposalFactory


def _run_at_once(calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def worker(func):
        try:
            barrier.wait(timeout=30)
            func()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(f,)) for f in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_users_and_one_user_ten_times_count_exactly(settings):
    settings.PROPOSAL_SUPPORT_THRESHOLD = 1000
    proposal = ProposalFactory()
    users = [UserFactory() for _ in range(50)]
    repeat = users[0]

    calls = [
        (lambda u=u: services.proposal_support(user=u, proposal_id=proposal.pk))
        for u in users
    ] + [
        (lambda: services.proposal_support(user=repeat, proposal_id=proposal.pk))
        for _ in range(10)
    ]
    errors = _run_at_once(calls)
    assert errors == []
    proposal.refresh_from_db()
    assert proposal.support_count == 50
    assert Support.objects.filter(proposal=proposal).count() == 50
    assert Support.objects.filter(proposal=proposal, user=repeat).count() == 1

    # and the same for withdrawing: half unsupport at once, some of them twice
    leaving = users[:25]
    calls = [
        (lambda u=u: services.proposal_unsupport(user=u, proposal_id=proposal.pk))
        for u in leaving + leaving[:5]
    ]
    assert _run_at_once(calls) == []
    assert Proposal.objects.get(pk=proposal.pk).support_count == 25
    assert Support.objects.filter(proposal=proposal).count() == 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_threshold_crossed_once_under_concurrency(settings):
    settings.PROPOSAL_SUPPORT_THRESHOLD = 10
    proposal = ProposalFactory()
    users = [UserFactory() for _ in range(20)]
    errors = _run_at_once(
        [
            (lambda u=u: services.proposal_support(user=u, proposal_id=proposal.pk))
            for u in users
        ]
    )
    assert errors == []
    proposal.refresh_from_db()
    assert (proposal.support_count, proposal.status) == (20, "evaluation")
    from participation.models import Notification

    assert (
        Notification.objects.filter(
            kind="proposal.threshold", user=proposal.author
        ).count()
        == 1
    )
