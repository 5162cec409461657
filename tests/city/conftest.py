import pytest


@pytest.fixture(autouse=True)
def _fresh_profile_cache():
    """Tests here switch profiles; none may leave another city's profile cached."""
    from openlima import city

    city.clear_cache()
    yield
    city.clear_cache()
