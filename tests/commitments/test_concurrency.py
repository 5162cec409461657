import threading

import pytest
from django.db import connection

from commitments import services
from commitments.models import Milestone, ProgressUpdate


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_milestone_updates_keep_a_consistent_history(editor, milestone):
    """The row lock makes each update's "from" the previous update's "to": no change is
    lost or recorded against a stale value."""
    barrier = threading.Barrier(4)
    errors = []

    def work(value):
        try:
            barrier.wait()
            services.milestone_update(
                user=editor,
                milestone=Milestone(pk=milestone.pk),
                data={"progress": value},
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(v,)) for v in (10, 20, 30, 40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    chain = [u.changes["progress"] for u in ProgressUpdate.objects.order_by("id")]
    assert len(chain) == 4
    assert chain[0][0] == 0
    for previous, current in zip(chain, chain[1:], strict=False):
        assert current[0] == previous[1]
    milestone.refresh_from_db()
    assert milestone.progress == chain[-1][1]
