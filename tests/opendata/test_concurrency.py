import threading

import pytest
from django.db import connection

from opendata import services
from opendata.models import DatasetDailyStat, ResourceDailyStat


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_are_all_counted(dataset_with_file):
    """Many requests on the same day: the first ones race to create the row, none is lost."""
    resource = dataset_with_file.resources.get()
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            for _ in range(10):
                services.resource_download_count(resource=resource)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ResourceDailyStat.objects.get(resource=resource).downloads == 40
    assert DatasetDailyStat.objects.get(dataset=dataset_with_file).downloads == 40
