"""The production settings with the URLs of tests/openlima/gunicorn_urls.py."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.openlima.gunicorn_urls"
