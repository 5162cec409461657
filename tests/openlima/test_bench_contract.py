"""Every bench scenario follows the contract bench/run.py relies on."""

import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    p.stem
    for p in (ROOT / "bench" / "scenarios").glob("*.py")
    if not p.name.startswith("_")
)


@pytest.mark.parametrize("name", MODULES)
def test_scenario_contract(name):
    module = importlib.import_module(f"bench.scenarios.{name}")
    assert isinstance(module.NAME, str) and module.NAME
    seed = inspect.signature(module.seed).parameters
    assert seed["scale"].kind is inspect.Parameter.KEYWORD_ONLY
    endpoints = inspect.signature(module.endpoints).parameters
    assert endpoints["base_url"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.django_db
def test_core_scenario_seeds_and_its_endpoints_answer(client):
    from bench.scenarios import core

    core.seed(scale=1)
    core.seed(scale=1)  # repeat-safe
    from openlima.models import User

    assert User.objects.filter(email__endswith="@bench.openlima.pe").count() == 100
    for endpoint in core.endpoints(base_url="http://testserver"):
        assert set(endpoint) >= {"name", "method", "path", "headers", "body"}
        response = client.generic(
            endpoint["method"], endpoint["path"], endpoint["body"] or ""
        )
        assert response.status_code == 200, endpoint


def test_bench_cli_flags():
    import sys

    sys.path.insert(0, str(ROOT))
    from bench.run import parse_args

    args = parse_args(
        ["--scale", "3", "--concurrency", "5", "--duration", "2", "--only", "core"]
    )
    assert (args.scale, args.concurrency, args.duration, args.only) == (
        3,
        5,
        2.0,
        ["core"],
    )
    assert args.workers == 2
