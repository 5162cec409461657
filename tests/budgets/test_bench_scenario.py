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
    assert {e["name"] for e in endpoints} >= {
        "ballot_submit_api_new",
        "ballot_submit_api_again",
        "ballot_page",
    }
    pooled = [e for e in endpoints if e.get("pool")]
    with httpx.Client(base_url=live_server.url) as client:
        # The unique-user storm endpoint: one request from the pool's first resident (the
        # session wrk's Lua script would send), then the harness's exactness check.
        for endpoint in pooled:
            endpoint["reset"]()
            sid, csrf = endpoint["pool"].read_text().split("\n")[0].split()
            response = client.request(
                endpoint["method"],
                endpoint["path"],
                headers={
                    **endpoint["headers"],
                    "Cookie": f"sessionid={sid}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                },
                content=endpoint["body"],
            )
            assert response.status_code == 200, response.text[:300]
            assert endpoint["check"]({"statuses": {"200": 1}})["ok"]
            endpoint["reset"]()
        for endpoint in [e for e in endpoints if not e.get("pool")]:
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
