import httpx
import pytest


@pytest.mark.django_db(transaction=True)
def test_bench_scenario_seeds_and_every_endpoint_answers(live_server):
    from bench.scenarios import budgets as scenario
    from budgets.models import Ballot

    scenario.seed(scale=1)
    scenario.seed(scale=1)  # repeat-safe
    assert Ballot.objects.count() == 1000
    endpoints = scenario.endpoints(base_url=live_server.url)
    assert {e["name"] for e in endpoints} >= {"ballot_submit_api", "ballot_page"}
    with httpx.Client(base_url=live_server.url) as client:
        for endpoint in endpoints:
            for _ in range(2):  # the ballot is filled, then changed
                response = client.request(
                    endpoint["method"],
                    endpoint["path"],
                    headers=endpoint["headers"],
                    content=endpoint["body"],
                )
                assert response.status_code == 200, (
                    endpoint["name"],
                    response.text[:300],
                )
    assert Ballot.objects.count() == 1001
