"""Each app's conf.py: typed settings with defaults, read when called (never at import)."""

from budgets import conf as budgets_conf
from commitments import conf as commitments_conf
from complaints import conf as complaints_conf
from opendata import conf as opendata_conf
from participation import conf as participation_conf


def test_defaults_when_the_settings_do_not_name_them(settings):
    for name in (
        "PROPOSAL_SUPPORT_THRESHOLD",
        "MILESTONE_REMINDER_DAYS",
        "COMPLAINT_LOAD_STEP",
        "RESIDENT_ID_HMAC_KEY",
    ):
        if hasattr(settings, name):
            delattr(settings, name)
    assert participation_conf.support_threshold() == 100
    assert commitments_conf.milestone_reminder_days() == [1, 7]
    assert complaints_conf.load_step() == 10
    assert budgets_conf.resident_id_hmac_key() == settings.SECRET_KEY


def test_an_override_applies_at_once_with_its_type(settings):
    settings.PROPOSAL_SUPPORT_THRESHOLD = "7"
    settings.MILESTONE_REMINDER_DAYS = ["3", 3, 1]
    settings.COMPLAINT_LOAD_STEP = 0
    settings.OPENDATA_BASE_URL = "https://datos.example/"
    assert participation_conf.support_threshold() == 7
    assert commitments_conf.milestone_reminder_days() == [1, 3]
    assert complaints_conf.load_step() == 1  # never below one
    assert opendata_conf.base_url() == "https://datos.example"
