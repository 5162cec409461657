import pytest

from information import demo
from information.models import InformationRequest, State
from openlima.demo import demo_load_core

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_is_idempotent():
    demo_load_core()
    demo.load()
    demo.load()
    states = set(InformationRequest.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert InformationRequest.objects.count() == len(demo.REQUESTS)
